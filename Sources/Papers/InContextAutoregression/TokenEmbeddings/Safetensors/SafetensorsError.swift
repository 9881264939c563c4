/// Everything that can be wrong with a safetensors file, with a message for the user.
public enum SafetensorsError: Error, CustomStringConvertible, Equatable {
    case unreadableFile(path: String, reason: String)
    case truncated(expectedBytes: Int, actualBytes: Int)
    case implausibleHeaderLength(Int, fileBytes: Int)
    case malformedHeader(String)
    case unsupportedDataType(tensor: String, dataType: String)
    case inconsistentTensor(tensor: String, reason: String)
    case missingTensor(String, available: [String])
    case notFloatingPoint(tensor: String, dataType: String)

    public var description: String {
        switch self {
        case let .unreadableFile(path, reason):
            return "cannot read safetensors file \(path): \(reason)"
        case let .truncated(expected, actual):
            return "safetensors file is truncated: needs \(expected) bytes, has \(actual)"
        case let .implausibleHeaderLength(length, fileBytes):
            return "safetensors header length \(length) does not fit in a file of \(fileBytes) bytes "
                + "(is this really a safetensors file?)"
        case let .malformedHeader(reason):
            return "safetensors header is not valid: \(reason)"
        case let .unsupportedDataType(tensor, dataType):
            return "tensor '\(tensor)' has data type '\(dataType)', which this reader does not know"
        case let .inconsistentTensor(tensor, reason):
            return "tensor '\(tensor)' is inconsistent: \(reason)"
        case let .missingTensor(name, available):
            let shown = available.sorted().prefix(8).joined(separator: ", ")
            return "no tensor named '\(name)' in the file (it has \(available.count) tensors: \(shown)"
                + (available.count > 8 ? ", …)" : ")")
        case let .notFloatingPoint(tensor, dataType):
            return "tensor '\(tensor)' has data type \(dataType); only F32, F16 and BF16 can be read as Float"
        }
    }
}
