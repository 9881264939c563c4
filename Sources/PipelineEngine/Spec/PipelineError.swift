import Foundation

/// An error a user can hit, with one message written for them and the exit status the CLI returns.
public struct PipelineError: Error, CustomStringConvertible, Equatable {
    public enum Category: Sendable {
        /// pipeline.json or the command line is wrong: nothing ran (exit 2).
        case invalidSpecification
        /// A stage failed, or an audit found damage (exit 1).
        case failure
        /// Another run holds the store (exit 3).
        case busy
        /// The store cannot be written: a read-only file system or no permission (exit 4). Not damage: what is
        /// stored is untouched, and `icar audit` can still check it.
        case storeUnwritable
    }

    public let message: String
    public let category: Category

    public init(_ message: String, category: Category = .failure) {
        self.message = message
        self.category = category
    }

    public static func invalid(_ message: String) -> PipelineError { PipelineError(message, category: .invalidSpecification) }

    public var exitStatus: Int32 {
        switch category {
        case .invalidSpecification: return 2
        case .failure: return 1
        case .busy: return 3
        case .storeUnwritable: return 4
        }
    }

    public var description: String { message }

    /// An error for a failed system call on `path`: says "no space left on device" or "read-only" plainly, and
    /// files a store that cannot be written under its own exit status.
    public static func system(_ action: String, _ path: String, errno code: Int32) -> PipelineError {
        let reason = String(cString: strerror(code)).lowercased()
        switch code {
        case EROFS, EACCES, EPERM:
            return PipelineError("cannot \(action) \(path): \(reason); the store is not writable here (nothing in it was changed)",
                                 category: .storeUnwritable)
        case ENOSPC, EDQUOT:
            return PipelineError("no space left on device: cannot \(action) \(path)")
        default:
            return PipelineError("cannot \(action) \(path): \(reason)")
        }
    }
}
