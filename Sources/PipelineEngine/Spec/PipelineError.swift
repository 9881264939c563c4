/// An error a user can hit, with one message written for them and the exit status the CLI returns.
public struct PipelineError: Error, CustomStringConvertible, Equatable {
    public enum Category: Sendable {
        /// pipeline.json or the command line is wrong: nothing ran (exit 2).
        case invalidSpecification
        /// A stage failed, or an audit found damage (exit 1).
        case failure
        /// Another run holds the store (exit 3).
        case busy
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
        }
    }

    public var description: String { message }
}
