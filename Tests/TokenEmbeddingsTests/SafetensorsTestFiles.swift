import Foundation
import NumericCore

/// Builds safetensors files byte by byte, the way the format describes them, for the tests.
enum SafetensorsTestFiles {
    struct Entry {
        var name: String
        var dataType: String
        var shape: [Int]
        var bytes: [UInt8]
        /// Overrides the data_offsets written in the header (for malformed files).
        var offsets: [Int]? = nil
    }

    /// 8-byte little-endian header length, JSON header (padded with spaces), then the tensors' bytes in order.
    static func file(_ entries: [Entry], metadata: [String: String]? = nil, padding: Int = 3) -> [UInt8] {
        var fields: [String] = []
        if let metadata {
            let pairs = metadata.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\"\($0.value)\"" }
            fields.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        var data: [UInt8] = []
        for entry in entries {
            let offsets = entry.offsets ?? [data.count, data.count + entry.bytes.count]
            let shape = entry.shape.map(String.init).joined(separator: ",")
            fields.append("\"\(entry.name)\":{\"dtype\":\"\(entry.dataType)\",\"shape\":[\(shape)],"
                + "\"data_offsets\":[\(offsets[0]),\(offsets[1])]}")
            data += entry.bytes
        }
        return file(json: "{" + fields.joined(separator: ",") + "}" + String(repeating: " ", count: padding), data: data)
    }

    static func file(json: String, data: [UInt8]) -> [UInt8] {
        let header = Array(json.utf8)
        return littleEndianBytes(UInt64(header.count)) + header + data
    }

    static func littleEndianBytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        (0..<(T.bitWidth / 8)).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }

    static func float32Bytes(_ values: [Float]) -> [UInt8] {
        values.flatMap { littleEndianBytes($0.bitPattern) }
    }

    static func randomFloats(_ count: Int, seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in Float(generator.nextGaussian()) }
    }

    static func temporaryFile(_ bytes: [UInt8], name: String) throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("icar-\(name)-\(getpid()).safetensors").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }
}
