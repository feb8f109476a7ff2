// The SQLite schema as numbered migrations. PRAGMA user_version records how
// many have been applied; Migrate() applies the rest in one transaction at
// start-up. Never edit a released migration: append a new one.
#pragma once

#include "common/status.h"
#include "storage/sqlite/sqlite_db.h"

namespace vigil::storage::sqlite {

int LatestSchemaVersion();
Status Migrate(Database& db);

}  // namespace vigil::storage::sqlite
