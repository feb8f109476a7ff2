// Runs a fuzz target's entry point over files, without libFuzzer: the
// regression test for every input that once crashed it. Arguments are
// files, directories (every file in them) or "lines:FILE" (each line of
// FILE that does not start with "#" is one input).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void Run(const std::string& input) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
}

}  // namespace

int main(int argc, char** argv) {
  int inputs = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.starts_with("lines:")) {
      std::istringstream lines(ReadAll(arg.substr(6)));
      for (std::string line; std::getline(lines, line);) {
        if (line.starts_with("#")) continue;
        Run(line);
        ++inputs;
      }
    } else if (std::filesystem::is_directory(arg)) {
      for (const auto& entry : std::filesystem::directory_iterator(arg)) {
        if (!entry.is_regular_file() || entry.path().filename() == "README.md") continue;
        Run(ReadAll(entry.path()));
        ++inputs;
      }
    } else if (std::filesystem::is_regular_file(arg)) {
      Run(ReadAll(arg));
      ++inputs;
    } else {
      std::cerr << arg << ": no such file or directory\n";
      return 1;
    }
  }
  std::cout << inputs << " inputs replayed\n";
  return inputs > 0 ? 0 : 1;
}
