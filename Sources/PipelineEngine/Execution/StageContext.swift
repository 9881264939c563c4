import Foundation

/// Where a stage's input came from: the providing stage's store entry.
public struct StageInputLocation: Codable, Sendable {
    public let stage: String
    public let key: String
    public let contentHash: String
    public let directory: String
    /// For an input of a family slot (`"SLOT": "FAMILY[*]"`): the providing cell's coordinates and its place in
    /// the family's grid. The slot's name (`SLOT[k=v,…]`, part of the key) already says which cell it is.
    public var cell: [CellCoordinate]? = nil
    public var cellIndex: Int? = nil
}

/// One cell of a family input, as `StageContext.familyInputs` lists them.
public struct FamilyInput: Sendable {
    /// The input's slot name (`SLOT[k=v,…]`), for `inputFile`.
    public let slot: String
    /// The cell's coordinates in name order.
    public let cell: [CellCoordinate]

    /// The cell's value of dimension `name`.
    public subscript(name: String) -> JSONValue? { cell.first { $0.name == name }?.value }
}

/// What a running stage sees: its parameters, its inputs' directories, the directory it writes into, and a way to
/// report progress. It does not know where the store is or how it is laid out.
public final class StageContext {
    public let stageName: String
    public let kindName: String
    public let kindVersion: Int
    public let key: String
    public let parameters: StageParameters
    public let inputs: [String: StageInputLocation]
    public let outputDirectory: String
    private let progressSink: (ProgressUpdate) -> Void
    private var lastProgress = DispatchTime(uptimeNanoseconds: 0)

    public init(stageName: String, kindName: String, kindVersion: Int, key: String, parameters: StageParameters,
                inputs: [String: StageInputLocation], outputDirectory: String,
                progress: @escaping (ProgressUpdate) -> Void) {
        self.stageName = stageName
        self.kindName = kindName
        self.kindVersion = kindVersion
        self.key = key
        self.parameters = parameters
        self.inputs = inputs
        self.outputDirectory = outputDirectory
        self.progressSink = progress
    }

    /// Path of file `name` of the stage bound to input `slot`.
    public func inputFile(_ slot: String, _ name: String) throws -> String {
        guard let input = inputs[slot] else { throw PipelineError("stage \(stageName): input '\(slot)' is not connected") }
        // A stage reads only files of its inputs' entries (whose content hashes enter its key): a name that could
        // climb out of the entry, or a symbolic link pointing anywhere, is refused.
        if let problem = FileNameGrammar.problem(name) {
            throw PipelineError("stage \(stageName): input file name of '\(slot)' \(problem)")
        }
        let path = input.directory + "/" + name
        let type = (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType
        guard type == nil || type == .typeRegular else {
            throw PipelineError("stage \(stageName): input '\(slot)' (stage \(input.stage)) file \(name) is not a regular file")
        }
        guard FileManager.default.fileExists(atPath: path) else {
            throw PipelineError("stage \(stageName): input '\(slot)' (stage \(input.stage)) has no file \(name)")
        }
        return path
    }

    public func hasInput(_ slot: String) -> Bool { inputs[slot] != nil }

    /// The cells bound to family slot `slot` (`"SLOT": "FAMILY[*]"`), in the order of the family's grid.
    public func familyInputs(_ slot: String) -> [FamilyInput] {
        inputs.compactMap { name, location -> (Int, FamilyInput)? in
            guard name.hasPrefix(slot + "["), let cell = location.cell else { return nil }
            return (location.cellIndex ?? 0, FamilyInput(slot: name, cell: cell))
        }.sorted { $0.0 < $1.0 }.map(\.1)
    }

    /// Directory of pipeline.json, and the project files the key covers (path → SHA-256 or "absent").
    public var projectDirectory = "."
    public var projectFiles: [String: String] = [:]

    /// The bytes of project file `path`, or nil when it does not exist; in both cases exactly what the key covers:
    /// a file edited, added or removed after the pipeline loaded fails the stage instead of entering a result
    /// keyed for other bytes.
    public func projectFile(_ path: String) throws -> Data? {
        guard let expected = projectFiles[path] else {
            throw PipelineError("stage \(stageName) reads project file \(path), which its kind does not declare")
        }
        let full = (projectDirectory as NSString).appendingPathComponent(path)
        let data = FileManager.default.contents(atPath: full)
        let found = data.map { SHA256Hasher.hex(of: [UInt8]($0)) } ?? ProjectFiles.absent
        guard found == expected else {
            throw PipelineError("stage \(stageName): project file \(path) changed after the pipeline was loaded "
                + "(\(expected == ProjectFiles.absent ? "it was absent" : "it had SHA-256 \(expected.prefix(12))")); run again")
        }
        return data
    }

    /// Path where the stage writes its output file `name`.
    public func outputFile(_ name: String) -> String { outputDirectory + "/" + name }

    /// Attributes every output file should carry so that it can be traced back to its stage and key.
    public var provenanceAttributes: [(String, String)] {
        [("icar_stage", stageName), ("icar_kind", kindName), ("icar_kind_version", String(kindVersion)),
         ("icar_key", key), ("icar_parameters", parameters.canonicalJSON)]
    }

    /// Reports `step` of `total`; calls closer than 0.2 s apart are dropped, except the last step.
    public func progress(_ step: Int, of total: Int, _ message: String = "") {
        let now = DispatchTime.now()
        guard step >= total || now.uptimeNanoseconds - lastProgress.uptimeNanoseconds > 200_000_000 else { return }
        lastProgress = now
        progressSink(ProgressUpdate(step: step, total: total, message: message))
    }

    /// A line for the stage's log (data/logs/STAGE.log).
    public func log(_ message: String) {
        progressSink(ProgressUpdate(step: -1, total: -1, message: message))
    }

    /// A line shown on the terminal of `icar run` too: for results the user must not miss (a failed theory row).
    public func warn(_ message: String) {
        progressSink(ProgressUpdate(step: ProgressUpdate.warningStep, total: -1, message: message))
    }
}

/// One progress report of a stage; step −1 means a plain log line, −2 a warning for the terminal.
public struct ProgressUpdate: Sendable {
    public static let warningStep = -2
    /// An executor's own news about a stage (submitted, queued, attached): shown as a line of its own.
    public static let noticeStep = -3

    public let step: Int
    public let total: Int
    public let message: String

    public init(step: Int, total: Int, message: String) {
        self.step = step
        self.total = total
        self.message = message
    }

    static let prefix = "@icar-progress "
    static let warningPrefix = "@icar-warning "

    /// The line a stage process prints for its parent.
    var line: String {
        if step == Self.warningStep { return Self.warningPrefix + message }
        return step < 0 ? message : "\(Self.prefix)\(step) \(total) \(message)"
    }

    /// Parses a line printed by a stage process: a progress report, or nil for an ordinary log line.
    static func parse(_ line: Substring) -> ProgressUpdate? {
        if line.hasPrefix(warningPrefix) {
            return ProgressUpdate(step: warningStep, total: -1, message: String(line.dropFirst(warningPrefix.count)))
        }
        guard line.hasPrefix(prefix) else { return nil }
        let fields = line.dropFirst(prefix.count).split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard fields.count >= 2, let step = Int(fields[0]), let total = Int(fields[1]) else { return nil }
        return ProgressUpdate(step: step, total: total, message: fields.count > 2 ? String(fields[2]) : "")
    }
}
