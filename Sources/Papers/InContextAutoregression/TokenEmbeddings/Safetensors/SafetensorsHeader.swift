import Foundation

/// The element types of the safetensors format and their sizes in bytes.
public enum SafetensorsDataType: String, Sendable, CaseIterable {
    case f64 = "F64", f32 = "F32", f16 = "F16", bf16 = "BF16"
    case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8"
    case u64 = "U64", u32 = "U32", u16 = "U16", u8 = "U8", bool = "BOOL"

    public var byteCount: Int {
        switch self {
        case .f64, .i64, .u64: return 8
        case .f32, .i32, .u32: return 4
        case .f16, .bf16, .i16, .u16: return 2
        case .i8, .u8, .bool: return 1
        }
    }
}

/// Where one tensor lives: its type, shape, and byte range inside the data section (after the header).
public struct SafetensorsTensorInfo: Equatable, Sendable {
    public let name: String
    public let dataType: SafetensorsDataType
    public let shape: [Int]
    public let dataRange: Range<Int>

    public var elementCount: Int { shape.reduce(1, *) }
}

/// The header of a safetensors file: an 8-byte little-endian length N, then N bytes of JSON mapping each tensor name
/// to {"dtype", "shape", "data_offsets": [begin, end]}, plus an optional "__metadata__" map of strings.
public struct SafetensorsHeader: Equatable, Sendable {
    public let tensors: [String: SafetensorsTensorInfo]
    public let metadata: [String: String]
    /// Offset of the data section from the start of the file: 8 + N.
    public let dataSectionOffset: Int

    /// A note on the limit: the format's own reader refuses headers above 100 MB; a larger length means the file is
    /// not a safetensors file, and we should not try to allocate it.
    public static let maximumHeaderBytes = 100_000_000

    /// N from the first 8 bytes of the file, checked against the file size.
    public static func headerLength(prefix: [UInt8], fileBytes: Int) throws -> Int {
        guard prefix.count >= 8, fileBytes >= 8 else {
            throw SafetensorsError.truncated(expectedBytes: 8, actualBytes: min(prefix.count, fileBytes))
        }
        var length: UInt64 = 0
        for i in 0..<8 { length |= UInt64(prefix[i]) << (8 * UInt64(i)) }
        guard length >= 2, length <= UInt64(maximumHeaderBytes), Int(length) <= fileBytes - 8 else {
            throw SafetensorsError.implausibleHeaderLength(Int(clamping: length), fileBytes: fileBytes)
        }
        return Int(length)
    }

    /// Parses the JSON header and checks every tensor against the size of the data section.
    public init(json: [UInt8], dataSectionOffset: Int, dataSectionBytes: Int) throws {
        guard json.first == UInt8(ascii: "{") else {
            throw SafetensorsError.malformedHeader("the JSON header does not start with '{'")
        }
        let raw: RawHeader
        do {
            raw = try JSONDecoder().decode(RawHeader.self, from: Data(json))
        } catch let error as SafetensorsError {
            throw error
        } catch {
            throw SafetensorsError.malformedHeader(Self.describe(error))
        }
        var tensors: [String: SafetensorsTensorInfo] = [:]
        for (name, entry) in raw.tensors {
            tensors[name] = try Self.check(name: name, entry: entry, dataSectionBytes: dataSectionBytes)
        }
        try Self.checkNoOverlap(Array(tensors.values))
        self.tensors = tensors
        self.metadata = raw.metadata
        self.dataSectionOffset = dataSectionOffset
    }

    /// Parses a whole safetensors file held in memory.
    public init(fileBytes bytes: [UInt8]) throws {
        let length = try Self.headerLength(prefix: Array(bytes.prefix(8)), fileBytes: bytes.count)
        try self.init(json: Array(bytes[8..<(8 + length)]), dataSectionOffset: 8 + length,
                      dataSectionBytes: bytes.count - 8 - length)
    }

    public func info(named name: String) throws -> SafetensorsTensorInfo {
        guard let info = tensors[name] else {
            throw SafetensorsError.missingTensor(name, available: Array(tensors.keys))
        }
        return info
    }

    private static func check(name: String, entry: RawTensor, dataSectionBytes: Int) throws -> SafetensorsTensorInfo {
        guard let dataType = SafetensorsDataType(rawValue: entry.dtype) else {
            throw SafetensorsError.unsupportedDataType(tensor: name, dataType: entry.dtype)
        }
        guard entry.shape.allSatisfy({ $0 >= 0 }) else {
            throw SafetensorsError.inconsistentTensor(tensor: name, reason: "negative dimension in shape \(entry.shape)")
        }
        guard entry.dataOffsets.count == 2 else {
            throw SafetensorsError.inconsistentTensor(
                tensor: name, reason: "data_offsets must be [begin, end], got \(entry.dataOffsets)")
        }
        let begin = entry.dataOffsets[0], end = entry.dataOffsets[1]
        guard begin >= 0, begin <= end, end <= dataSectionBytes else {
            throw SafetensorsError.inconsistentTensor(
                tensor: name, reason: "data_offsets [\(begin), \(end)] outside the data section of \(dataSectionBytes) bytes")
        }
        var elementCount = 1
        for dimension in entry.shape {
            let (product, overflow) = elementCount.multipliedReportingOverflow(by: dimension)
            guard !overflow else {
                throw SafetensorsError.inconsistentTensor(tensor: name, reason: "shape \(entry.shape) is too large")
            }
            elementCount = product
        }
        // bytes = ∏ shape · sizeof(dtype)
        guard elementCount <= (end - begin) / dataType.byteCount,
              elementCount * dataType.byteCount == end - begin else {
            throw SafetensorsError.inconsistentTensor(
                tensor: name,
                reason: "shape \(entry.shape) of \(entry.dtype) needs \(elementCount) × \(dataType.byteCount) bytes, "
                    + "data_offsets give \(end - begin)")
        }
        return SafetensorsTensorInfo(name: name, dataType: dataType, shape: entry.shape, dataRange: begin..<end)
    }

    private static func checkNoOverlap(_ infos: [SafetensorsTensorInfo]) throws {
        let sorted = infos.filter { !$0.dataRange.isEmpty }.sorted { $0.dataRange.lowerBound < $1.dataRange.lowerBound }
        for (previous, next) in zip(sorted, sorted.dropFirst()) where next.dataRange.lowerBound < previous.dataRange.upperBound {
            throw SafetensorsError.inconsistentTensor(
                tensor: next.name, reason: "its bytes overlap those of '\(previous.name)'")
        }
    }

    private static func describe(_ error: Error) -> String {
        switch error {
        case let DecodingError.keyNotFound(key, context):
            return "missing field '\(key.stringValue)' at \(path(context.codingPath))"
        case let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context):
            return "wrong type at \(path(context.codingPath)): \(context.debugDescription)"
        case let DecodingError.dataCorrupted(context):
            return "not valid JSON (\(context.debugDescription))"
        default:
            return "\(error)"
        }
    }

    private static func path(_ codingPath: [CodingKey]) -> String {
        codingPath.isEmpty ? "top level" : codingPath.map(\.stringValue).joined(separator: ".")
    }
}

// The JSON header as decoded, before checks: tensor entries plus the special "__metadata__" entry.
private struct RawHeader: Decodable {
    var tensors: [String: RawTensor] = [:]
    var metadata: [String: String] = [:]

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: NameKey.self)
        for key in container.allKeys {
            if key.stringValue == "__metadata__" {
                metadata = try container.decode([String: String].self, forKey: key)
            } else {
                tensors[key.stringValue] = try container.decode(RawTensor.self, forKey: key)
            }
        }
    }
}

private struct RawTensor: Decodable {
    let dtype: String
    let shape: [Int]
    let dataOffsets: [Int]

    enum CodingKeys: String, CodingKey {
        case dtype, shape
        case dataOffsets = "data_offsets"
    }
}

private struct NameKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
