/// A kind of stage: what it computes, from which parameters and inputs, into which files of its output directory.
///
/// The engine knows stage kinds only through this protocol. `version` is the implementation version that enters
/// the stage key: bump it whenever the kind's code changes what it writes, so stale cache entries cannot survive a
/// code change (a test compares each kind's source hash with the version recorded for it).
public protocol StageKind: Sendable {
    /// The `kind` string of pipeline.json.
    var name: String { get }
    var version: Int { get }
    /// One line for `icar kinds` and `--help`.
    var summary: String { get }
    var parameters: [ParameterSpec] { get }
    var inputs: [InputSlot] { get }
    /// Files of the output directory that are copied into the figures directory after the stage is done.
    func publishedFiles(_ parameters: StageParameters) -> [String]
    /// Computes the stage: read inputs through the context, write every output into `context.outputDirectory`.
    func run(_ context: StageContext) throws
    /// A rough run time in seconds on a 2-core machine, used only to start long stages first (it is not part of the
    /// key); 0 when unknown or negligible.
    func estimatedSeconds(_ parameters: StageParameters) -> Double
    /// Checks what the parameter specs alone cannot (a dimension a family cannot take), when pipeline.json loads;
    /// throws one message.
    func validate(_ parameters: StageParameters) throws
    /// The memory the stage will hold at its peak, in bytes, estimated from its parameters (0 = small). The loader
    /// refuses a stage that needs more than the machine has, before anything runs.
    func estimatedPeakBytes(_ parameters: StageParameters) -> Double
    /// The versions of the native libraries and programs this kind's outputs depend on, by name (e.g. the OpenBLAS
    /// kernel, libhdf5, gnuplot). They enter the key, so an upgrade or another machine's kernel reruns the stage
    /// instead of passing its bytes off as this machine's; `icar status` names which one changed.
    func toolchain() -> [String: String]
    /// Paths, relative to the directory of pipeline.json, of project files the stage reads if they exist (a
    /// figure's style override): their hashes enter the key (ProjectFiles); the stage reads them only through
    /// `StageContext.projectFile`.
    func projectFiles(_ parameters: StageParameters) -> [String]
}

public extension StageKind {
    var inputs: [InputSlot] { [] }
    func publishedFiles(_ parameters: StageParameters) -> [String] { [] }
    func estimatedSeconds(_ parameters: StageParameters) -> Double { 0 }
    func validate(_ parameters: StageParameters) throws {}
    func estimatedPeakBytes(_ parameters: StageParameters) -> Double { 0 }
    func toolchain() -> [String: String] { [:] }
    func projectFiles(_ parameters: StageParameters) -> [String] { [] }
}

/// The stage kinds a pipeline may use, by name.
public struct StageRegistry: Sendable {
    public private(set) var kinds: [String: any StageKind] = [:]

    public init() {}

    public mutating func register(_ kind: any StageKind) {
        precondition(kinds[kind.name] == nil, "stage kind \(kind.name) registered twice")
        kinds[kind.name] = kind
    }

    public subscript(name: String) -> (any StageKind)? { kinds[name] }

    public var sortedNames: [String] { kinds.keys.sorted() }
}
