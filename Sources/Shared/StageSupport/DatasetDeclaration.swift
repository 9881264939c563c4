import PipelineEngine

/// One dataset a stage kind writes into one of its HDF5 files, declared once: the kind's writer refuses a dataset
/// it has not declared, and `icar kinds KIND` lists the same declarations for a reader without our source.
public struct DatasetDeclaration: Sendable {
    /// One axis: its name (stored in the dataset's `axes` attribute) and its length in terms of the stage's
    /// parameters or the file's integer root attributes ("heads", "2*dimension", "epochs"; factors joined by '*').
    public struct Axis: Sendable, Equatable {
        public let name: String
        public let length: String
    }

    /// The HDF5 file of the stage's output directory ("trained.h5").
    public let file: String
    /// The dataset's path in the file; `<word>` stands for one path component chosen at run time (`layer<l>/query`).
    public let name: String
    public let axes: [Axis]
    public let description: String

    /// Axes in order, name: length (`["head": "heads", "row": "2*dimension"]`).
    public init(_ file: String, _ name: String, _ axes: KeyValuePairs<String, String>, _ description: String) {
        self.file = file
        self.name = name
        self.axes = axes.map { Axis(name: $0.key, length: $0.value) }
        self.description = description
    }

    /// Whether `path` is this dataset: equal to `name` with each `<word>` standing for a non-empty text free of '/'.
    public func matches(_ path: String) -> Bool {
        Self.match(pattern: Substring(name), path: Substring(path))
    }

    private static func match(pattern: Substring, path: Substring) -> Bool {
        guard let open = pattern.firstIndex(of: "<"), let close = pattern[open...].firstIndex(of: ">") else {
            return pattern == path
        }
        let prefix = pattern[..<open], rest = pattern[pattern.index(after: close)...]
        guard path.hasPrefix(prefix) else { return false }
        let tail = path.dropFirst(prefix.count)
        // The placeholder takes one or more characters, none of them '/'; try every split point.
        var end = tail.startIndex
        while end < tail.endIndex, tail[end] != "/" {
            end = tail.index(after: end)
            if match(pattern: rest, path: tail[end...]) { return true }
        }
        return false
    }
}

/// A stage kind that writes HDF5 files, with the declaration of every dataset in them.
public protocol DeclaresDatasets: StageKind {
    var datasets: [DatasetDeclaration] { get }
}
