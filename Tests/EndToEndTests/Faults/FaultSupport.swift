import Foundation

/// SplitMix64: the seeded source of every random choice the fault suite makes (where to flip, when to kill), so a
/// failing scenario can be replayed from its seed.
struct FaultRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

/// Flips one bit of `path` at a seeded position and puts the old modification time back, so only a re-hash can see it.
func flipBitKeepingModificationTime(_ path: String, random: inout FaultRandom) throws {
    var info = stat()
    guard stat(path, &info) == 0 else { throw CocoaError(.fileNoSuchFile) }
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    let index = random.below(bytes.count)
    bytes[index] ^= UInt8(1 << random.below(8))
    let fd = open(path, O_WRONLY)
    _ = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    close(fd)
    var times = [info.st_atim, info.st_mtim]
    utimensat(AT_FDCWD, path, &times, 0)
}

/// A small tmpfs mounted for one scenario (needs root); nil, with the reason printed, where it cannot be mounted.
final class ScratchMount {
    let path: String

    init?(megabytes: Double) {
        path = NSTemporaryDirectory() + "icar-mount-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let kilobytes = Int(megabytes * 1024)
        guard Self.run(["mount", "-t", "tmpfs", "-o", "size=\(kilobytes)k", "tmpfs", path]) else {
            print("SKIPPED: cannot mount a \(kilobytes) KiB tmpfs at \(path) (needs root); the scenario was not run")
            try? FileManager.default.removeItem(atPath: path)
            return nil
        }
    }

    func remount(readOnly: Bool) -> Bool { Self.run(["mount", "-o", "remount," + (readOnly ? "ro" : "rw"), path]) }

    deinit {
        _ = Self.run(["umount", "-l", path])
        try? FileManager.default.removeItem(atPath: path)
    }

    @discardableResult
    static func run(_ arguments: [String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}

extension Testbed {
    var hasStore: Bool { FileManager.default.fileExists(atPath: directory + "/data") }

    /// Files left in data/tmp (work and scratch directories, job files).
    var leftovers: [String] { ((try? FileManager.default.contentsOfDirectory(atPath: directory + "/data/tmp")) ?? []).sorted() }
}
