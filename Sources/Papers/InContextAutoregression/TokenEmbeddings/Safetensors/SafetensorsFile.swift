import Foundation

/// A dense Float tensor, row-major, as read from a safetensors file.
public struct FloatTensor: Equatable, Sendable {
    public let shape: [Int]
    public let values: [Float]

    public init(shape: [Int], values: [Float]) {
        precondition(shape.reduce(1, *) == values.count, "FloatTensor: \(values.count) values for shape \(shape)")
        self.shape = shape
        self.values = values
    }
}

/// A safetensors file: the header is read when opened, a tensor's bytes only when asked for.
public struct SafetensorsFile: Sendable {
    private enum Storage: Sendable {
        case file(path: String)
        case memory([UInt8])
    }

    public let header: SafetensorsHeader
    private let storage: Storage

    /// Opens a file on disk and reads its header only (the MiniLM file is 90 MB, the embedding table half of it).
    public init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw SafetensorsError.unreadableFile(path: path, reason: "cannot open it")
        }
        defer { try? handle.close() }
        do {
            let fileBytes = Int(try handle.seekToEnd())
            try handle.seek(toOffset: 0)
            let prefix = [UInt8](try handle.read(upToCount: 8) ?? Data())
            let length = try SafetensorsHeader.headerLength(prefix: prefix, fileBytes: fileBytes)
            let json = [UInt8](try handle.read(upToCount: length) ?? Data())
            guard json.count == length else {
                throw SafetensorsError.truncated(expectedBytes: 8 + length, actualBytes: 8 + json.count)
            }
            header = try SafetensorsHeader(json: json, dataSectionOffset: 8 + length,
                                           dataSectionBytes: fileBytes - 8 - length)
        } catch let error as SafetensorsError {
            throw error
        } catch {
            throw SafetensorsError.unreadableFile(path: path, reason: "\(error)")
        }
        storage = .file(path: path)
    }

    /// A safetensors file held in memory.
    public init(bytes: [UInt8]) throws {
        header = try SafetensorsHeader(fileBytes: bytes)
        storage = .memory(bytes)
    }

    /// The tensor `name` converted to Float; F32, F16 and BF16 are read, stored little-endian.
    public func floatTensor(named name: String) throws -> FloatTensor {
        let info = try header.info(named: name)
        switch info.dataType {
        case .f32, .f16, .bf16: break
        default: throw SafetensorsError.notFloatingPoint(tensor: name, dataType: info.dataType.rawValue)
        }
        let bytes = try rawBytes(of: info)
        let values: [Float] = bytes.withUnsafeBytes { buffer in
            switch info.dataType {
            case .f32:
                return (0..<info.elementCount).map {
                    Float(bitPattern: UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self)))
                }
            case .f16:
                return (0..<info.elementCount).map {
                    HalfPrecision.float(fromHalf: UInt16(littleEndian: buffer.loadUnaligned(fromByteOffset: 2 * $0,
                                                                                            as: UInt16.self)))
                }
            default:
                // bfloat16 is the upper half of a Float32.
                return (0..<info.elementCount).map {
                    let bits = UInt16(littleEndian: buffer.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self))
                    return Float(bitPattern: UInt32(bits) << 16)
                }
            }
        }
        return FloatTensor(shape: info.shape, values: values)
    }

    private func rawBytes(of info: SafetensorsTensorInfo) throws -> [UInt8] {
        let begin = header.dataSectionOffset + info.dataRange.lowerBound
        let count = info.dataRange.count
        switch storage {
        case let .memory(bytes):
            return Array(bytes[begin..<(begin + count)])
        case let .file(path):
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw SafetensorsError.unreadableFile(path: path, reason: "cannot open it")
            }
            defer { try? handle.close() }
            do {
                try handle.seek(toOffset: UInt64(begin))
                let data = try handle.read(upToCount: count) ?? Data()
                guard data.count == count else {
                    throw SafetensorsError.truncated(expectedBytes: begin + count, actualBytes: begin + data.count)
                }
                return [UInt8](data)
            } catch let error as SafetensorsError {
                throw error
            } catch {
                throw SafetensorsError.unreadableFile(path: path, reason: "\(error)")
            }
        }
    }
}

/// IEEE 754 binary16 → binary32, written out so that it does not depend on Float16 (missing on Intel macOS).
public enum HalfPrecision {
    public static func float(fromHalf bits: UInt16) -> Float {
        let sign: Float = bits & 0x8000 != 0 ? -1 : 1
        let exponent = Int((bits >> 10) & 0x1F)
        let mantissa = UInt32(bits & 0x3FF)
        switch exponent {
        case 0:
            // Zero and subnormals: (-1)^s · m · 2^-24, exact in Float.
            return sign * Float(mantissa) * 0x1p-24
        case 31:
            // Infinities and NaNs keep their payload, moved to the top of the Float mantissa.
            let signBit = UInt32(bits & 0x8000) << 16
            return Float(bitPattern: signBit | 0x7F80_0000 | (mantissa << 13))
        default:
            // Normal numbers: (-1)^s · (1 + m/1024) · 2^(e-15); rebias the exponent to 127.
            let signBit = UInt32(bits & 0x8000) << 16
            return Float(bitPattern: signBit | (UInt32(exponent - 15 + 127) << 23) | (mantissa << 13))
        }
    }
}
