// The main() of every vigil test program: initialises libsodium first.
#include <gtest/gtest.h>

#include "common/crypto.h"

int main(int argc, char** argv) {
  vigil::InitCrypto();
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
