import Foundation

/// The machine's memory as Linux reports it in /proc/meminfo.
public enum MachineMemory {
    /// MemTotal in bytes, or nil where /proc/meminfo cannot be read.
    public static var totalBytes: UInt64? { field("MemTotal") }

    /// MemAvailable in bytes: what can be allocated now without swapping.
    public static var availableBytes: UInt64? { field("MemAvailable") }

    static func field(_ name: String) -> UInt64? {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(name + ":") {
            let fields = line.split(separator: " ")
            guard fields.count >= 2, let kilobytes = UInt64(fields[1]) else { return nil }
            return kilobytes * 1024
        }
        return nil
    }
}
