/// One stage of pipeline.json after validation: its kind, its parameters with defaults and the profile applied,
/// and the stages its inputs come from.
public struct ResolvedStage: Sendable {
    public let name: String
    public let kind: any StageKind
    public let parameters: StageParameters
    /// Input slot → name of the stage that provides it.
    public let inputs: [String: String]
    public let description: String?
    /// Project file path → its SHA-256 or `ProjectFiles.absent`, hashed when the pipeline loaded.
    public var projectFiles: [String: String] = [:]
    /// Cluster request overrides from pipeline.json (`"resources": {"cpus": 4, "memory_mb": 8000, "time_minutes": 90}`),
    /// applied over the kind's estimates by `icar run --executor slurm`.
    public var resources: [String: Int] = [:]
    /// For a cell of a family (a stage with a `matrix`, or fed per cell by one): the family's name as written in
    /// pipeline.json, and the cell's coordinates in name order. Display and selection only: the key sees the
    /// parameters and inputs, never the name.
    public var family: String? = nil
    public var cell: [CellCoordinate] = []

    public var publishedFiles: [String] { kind.publishedFiles(parameters) }
}

/// A validated pipeline: stages in file order, the chosen profile, and where the store and figures live.
public struct Pipeline: Sendable {
    public let stages: [ResolvedStage]
    public let profile: String
    public let profiles: [String]
    /// Directory holding pipeline.json; relative paths below are resolved against it.
    public let baseDirectory: String
    public let storeDirectory: String
    public let figuresDirectory: String
    /// Stage name → its index in `stages`: a grid has hundreds of cells, and the scheduler looks stages up by name.
    private let positions: [String: Int]

    init(stages: [ResolvedStage], profile: String, profiles: [String], baseDirectory: String, storeDirectory: String,
         figuresDirectory: String) {
        self.stages = stages
        self.profile = profile
        self.profiles = profiles
        self.baseDirectory = baseDirectory
        self.storeDirectory = storeDirectory
        self.figuresDirectory = figuresDirectory
        positions = Dictionary(stages.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func stage(_ name: String) -> ResolvedStage? { positions[name].map { stages[$0] } }

    /// The cells of family `name`, in the order of its grid (empty when `name` is no family).
    public func cells(of name: String) -> [ResolvedStage] { stages.filter { $0.family == name } }

    /// The names of the families, in file order.
    public var families: [String] {
        var seen = Set<String>()
        return stages.compactMap(\.family).filter { seen.insert($0).inserted }
    }
}

public extension Pipeline {
    /// The same stages with the store and figures elsewhere: a scratch copy for recomputing entries
    /// (`icar audit --rerun`) without touching the real store or the published figures.
    func relocated(store: String, figures: String) -> Pipeline {
        Pipeline(stages: stages, profile: profile, profiles: profiles, baseDirectory: baseDirectory,
                 storeDirectory: store, figuresDirectory: figures)
    }
}
