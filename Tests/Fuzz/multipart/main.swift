import CLienthongFuzz
import Foundation

exit(lienthong_fuzz_run(CommandLine.argc, CommandLine.unsafeArgv, fuzzMultipart))
