#include "ingest/xlsx.h"

#include <zip.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <pugixml.hpp>

namespace vigil::ingest {

namespace {

constexpr int kMaxRows = 1048576;   // Excel's own limits
constexpr int kMaxColumns = 16384;  // XFD

Status Bad(const std::string& part, const std::string& problem) {
  return Status::InvalidArgument("xlsx: " + part + ": " + problem);
}

// Element names without their namespace prefix: most tools write none,
// some (the .NET Open XML SDK) write "x:row".
std::string_view LocalName(const char* name) {
  std::string_view n(name);
  const std::size_t colon = n.find(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

pugi::xml_node Child(pugi::xml_node node, std::string_view name) {
  for (pugi::xml_node c : node.children()) {
    if (c.type() == pugi::node_element && LocalName(c.name()) == name) return c;
  }
  return {};
}

template <typename F>
void ForChildren(pugi::xml_node node, std::string_view name, F&& f) {
  for (pugi::xml_node c : node.children()) {
    if (c.type() == pugi::node_element && LocalName(c.name()) == name) f(c);
  }
}

// The attribute `r:id` whatever its prefix.
pugi::xml_attribute RelationshipId(pugi::xml_node node) {
  for (pugi::xml_attribute a : node.attributes()) {
    const std::string_view n(a.name());
    if (n.size() > 3 && n.ends_with(":id")) return a;
  }
  return {};
}

class Archive {
 public:
  static Result<Archive> Open(std::string_view bytes) {
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
    if (source == nullptr) {
      Status s = Status::Internal(std::string("xlsx: ") + zip_error_strerror(&error));
      zip_error_fini(&error);
      return Fail(s);
    }
    zip_t* zip = zip_open_from_source(source, ZIP_RDONLY, &error);
    if (zip == nullptr) {
      zip_source_free(source);
      Status s = Status::InvalidArgument(std::string("xlsx: not a readable ZIP archive: ") +
                                         zip_error_strerror(&error));
      zip_error_fini(&error);
      return Fail(s);
    }
    zip_error_fini(&error);
    if (zip_get_num_entries(zip, 0) <= 0) {
      zip_discard(zip);
      return Fail(Status::InvalidArgument("xlsx: not a workbook: the ZIP archive is empty"));
    }
    return Archive(zip);
  }

  bool Has(const std::string& name) const {
    return zip_name_locate(zip_.get(), name.c_str(), 0) >= 0;
  }

  Result<std::string> Read(const std::string& name) const {
    const zip_int64_t index = zip_name_locate(zip_.get(), name.c_str(), 0);
    if (index < 0) return Fail(Bad(name, "missing from the archive"));
    zip_stat_t stat;
    if (zip_stat_index(zip_.get(), static_cast<zip_uint64_t>(index), 0, &stat) != 0 ||
        (stat.valid & ZIP_STAT_SIZE) == 0) {
      return Fail(Bad(name, "cannot read its size"));
    }
    if (stat.size > kMaxXlsxPartBytes) {
      return Fail(Bad(
          name, "larger than " + std::to_string(kMaxXlsxPartBytes >> 20) + " MiB uncompressed"));
    }
    zip_file_t* file = zip_fopen_index(zip_.get(), static_cast<zip_uint64_t>(index), 0);
    if (file == nullptr) return Fail(Bad(name, zip_strerror(zip_.get())));
    std::string content(stat.size, '\0');
    const zip_int64_t read = zip_fread(file, content.data(), content.size());
    zip_fclose(file);
    if (read < 0 || static_cast<zip_uint64_t>(read) != stat.size) {
      return Fail(Bad(name, "cannot be decompressed"));
    }
    return content;
  }

 private:
  explicit Archive(zip_t* zip) : zip_(zip, &zip_discard) {}
  std::unique_ptr<zip_t, decltype(&zip_discard)> zip_;
};

Result<pugi::xml_document> ParseXml(const Archive& archive, const std::string& name) {
  auto content = archive.Read(name);
  if (!content) return Fail(content.error());
  pugi::xml_document doc;
  const pugi::xml_parse_result parsed =
      doc.load_buffer(content->data(), content->size(), pugi::parse_default, pugi::encoding_utf8);
  if (!parsed) {
    return Fail(Bad(name, std::string("malformed XML at byte ") + std::to_string(parsed.offset) +
                              ": " + parsed.description()));
  }
  return doc;
}

// Relationship id -> target part, resolved against `base` ("xl/").
Result<std::map<std::string, std::pair<std::string, std::string>>> ReadRelationships(
    const Archive& archive, const std::string& name, const std::string& base) {
  std::map<std::string, std::pair<std::string, std::string>> out;  // id -> (type, part)
  if (!archive.Has(name)) return out;
  auto doc = ParseXml(archive, name);
  if (!doc) return Fail(doc.error());
  ForChildren(Child(*doc, "Relationships"), "Relationship", [&](pugi::xml_node r) {
    std::string target = r.attribute("Target").value();
    if (target.starts_with('/')) {
      target.erase(0, 1);
    } else {
      target = base + target;
    }
    out[r.attribute("Id").value()] = {r.attribute("Type").value(), target};
  });
  return out;
}

// Excel escapes characters XML cannot hold as _xHHHH_.
std::string Unescape(std::string text) {
  std::size_t at = text.find("_x");
  if (at == std::string::npos) return text;
  std::string out;
  std::size_t done = 0;
  for (; at != std::string::npos; at = text.find("_x", at + 1)) {
    if (at < done || at + 7 > text.size() || text[at + 6] != '_') continue;
    unsigned code = 0;
    auto [end, ec] = std::from_chars(text.data() + at + 2, text.data() + at + 6, code, 16);
    if (ec != std::errc() || end != text.data() + at + 6) continue;
    out.append(text, done, at - done);
    if (code < 0x80) {
      out.push_back(static_cast<char>(code));
    } else if (code < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (code >> 6)));
      out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xE0 | (code >> 12)));
      out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    }
    done = at + 7;
  }
  out.append(text, done);
  return out;
}

// The text of a shared string item or an inline string: its <t>, or the
// <t> of each rich text run; phonetic runs (<rPh>) are not part of it.
std::string RichText(pugi::xml_node item) {
  std::string text;
  for (pugi::xml_node c : item.children()) {
    if (c.type() != pugi::node_element) continue;
    const std::string_view n = LocalName(c.name());
    if (n == "t") {
      text += c.text().get();
    } else if (n == "r") {
      text += Child(c, "t").text().get();
    }
  }
  return Unescape(std::move(text));
}

// Numbers as Excel shows them: "2.1", not "2.1000000000000001".
std::string NumberText(std::string_view v) {
  double x = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
  if (ec != std::errc() || end != v.data() + v.size() || !std::isfinite(x)) return std::string(v);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.15g", x);
  return buf;
}

// "C14" -> column 2, row 14.
bool ParseCellReference(std::string_view ref, int& column, int& row) {
  std::size_t i = 0;
  column = 0;
  while (i < ref.size() && ref[i] >= 'A' && ref[i] <= 'Z' && i < 3) {
    column = column * 26 + (ref[i] - 'A' + 1);
    ++i;
  }
  if (i == 0) return false;
  --column;
  row = 0;
  auto [end, ec] = std::from_chars(ref.data() + i, ref.data() + ref.size(), row);
  return ec == std::errc() && end == ref.data() + ref.size() && row >= 1 && row <= kMaxRows &&
         column < kMaxColumns;
}

Result<XlsxSheet> ReadSheet(const Archive& archive, const std::string& part, std::string name,
                            const std::vector<std::string>& shared) {
  auto doc = ParseXml(archive, part);
  if (!doc) return Fail(doc.error());
  XlsxSheet sheet;
  sheet.name = std::move(name);
  const pugi::xml_node data = Child(Child(*doc, "worksheet"), "sheetData");
  if (!data) return Fail(Bad(part, "no <sheetData>"));
  int next_row = 1;
  for (pugi::xml_node r : data.children()) {
    if (r.type() != pugi::node_element || LocalName(r.name()) != "row") continue;
    XlsxRow row;
    row.number = next_row;
    if (pugi::xml_attribute a = r.attribute("r")) {
      if (!a.as_int() || a.as_int() < next_row || a.as_int() > kMaxRows) {
        return Fail(Bad(part, "row number \"" + std::string(a.value()) + "\" is out of order"));
      }
      row.number = a.as_int();
    }
    next_row = row.number + 1;
    int next_column = 0;
    for (pugi::xml_node c : r.children()) {
      if (c.type() != pugi::node_element || LocalName(c.name()) != "c") continue;
      XlsxCell cell;
      cell.column = next_column;
      if (pugi::xml_attribute ref = c.attribute("r")) {
        int ref_row = 0;
        if (!ParseCellReference(ref.value(), cell.column, ref_row) || ref_row != row.number ||
            cell.column < next_column) {
          return Fail(Bad(part, "bad cell reference \"" + std::string(ref.value()) + "\" in row " +
                                    std::to_string(row.number)));
        }
      }
      if (cell.column >= kMaxColumns) {
        return Fail(Bad(part, "too many columns in row " + std::to_string(row.number)));
      }
      next_column = cell.column + 1;
      const std::string_view type = c.attribute("t").value();
      const std::string v = Child(c, "v").text().get();
      const std::string where = XlsxColumnName(cell.column) + std::to_string(row.number);
      if (type == "s") {
        std::size_t index = 0;
        auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), index);
        if (ec != std::errc() || end != v.data() + v.size() || index >= shared.size()) {
          return Fail(Bad(part, std::string("cell ")
                                    .append(where)
                                    .append(" names shared string \"")
                                    .append(v)
                                    .append("\", which does not exist")));
        }
        cell.text = shared[index];
      } else if (type == "inlineStr") {
        cell.text = RichText(Child(c, "is"));
      } else if (type == "b") {
        cell.text = v == "1" ? "TRUE" : "FALSE";
      } else if (type == "str") {
        cell.text = Unescape(v);
      } else if (type == "e") {
        return Fail(
            Bad(part, std::string("cell ").append(where).append(" holds the error ").append(v)));
      } else if (type.empty() || type == "n") {
        cell.text = NumberText(v);
      } else {
        return Fail(
            Bad(part, "cell " + where + " has the unknown type \"" + std::string(type) + "\""));
      }
      if (!cell.text.empty()) row.cells.push_back(std::move(cell));
    }
    if (!row.cells.empty()) sheet.rows.push_back(std::move(row));
  }
  return sheet;
}

}  // namespace

std::string XlsxColumnName(int column) {
  std::string name;
  for (int c = column + 1; c > 0; c = (c - 1) / 26) {
    name.insert(name.begin(), static_cast<char>('A' + (c - 1) % 26));
  }
  return name;
}

Result<std::vector<XlsxSheet>> ReadXlsx(std::string_view bytes,
                                        const std::function<bool(std::string_view)>& want) {
  auto archive = Archive::Open(bytes);
  if (!archive) return Fail(archive.error());
  // The workbook part, from the package relationships (usually xl/workbook.xml).
  std::string workbook = "xl/workbook.xml";
  auto package = ReadRelationships(*archive, "_rels/.rels", "");
  if (!package) return Fail(package.error());
  for (const auto& [id, rel] : *package) {
    if (rel.first.ends_with("/officeDocument")) workbook = rel.second;
  }
  const std::size_t slash = workbook.rfind('/');
  const std::string base = slash == std::string::npos ? "" : workbook.substr(0, slash + 1);
  const std::string rels_name = base + "_rels/" + workbook.substr(base.size()) + ".rels";
  auto rels = ReadRelationships(*archive, rels_name, base);
  if (!rels) return Fail(rels.error());

  std::vector<std::string> shared;
  std::string shared_part = base + "sharedStrings.xml";
  for (const auto& [id, rel] : *rels) {
    if (rel.first.ends_with("/sharedStrings")) shared_part = rel.second;
  }
  if (archive->Has(shared_part)) {
    auto doc = ParseXml(*archive, shared_part);
    if (!doc) return Fail(doc.error());
    ForChildren(Child(*doc, "sst"), "si",
                [&](pugi::xml_node si) { shared.push_back(RichText(si)); });
  }

  auto doc = ParseXml(*archive, workbook);
  if (!doc) return Fail(doc.error());
  const pugi::xml_node sheets = Child(Child(*doc, "workbook"), "sheets");
  if (!sheets) return Fail(Bad(workbook, "no <sheets>"));
  std::vector<XlsxSheet> out;
  for (pugi::xml_node s : sheets.children()) {
    if (s.type() != pugi::node_element || LocalName(s.name()) != "sheet") continue;
    const std::string name = s.attribute("name").value();
    if (want && !want(name)) continue;
    const std::string id = RelationshipId(s).value();
    auto rel = rels->find(id);
    if (rel == rels->end()) {
      return Fail(Bad(rels_name, std::string("no part for sheet \"")
                                     .append(name)
                                     .append("\" (relationship \"")
                                     .append(id)
                                     .append("\")")));
    }
    // Chart sheets and dialog sheets hold no cells.
    if (!rel->second.first.ends_with("/worksheet")) continue;
    auto sheet = ReadSheet(*archive, rel->second.second, name, shared);
    if (!sheet) return Fail(sheet.error());
    out.push_back(std::move(*sheet));
  }
  return out;
}

}  // namespace vigil::ingest
