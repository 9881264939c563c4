import Foundation

/// Copies the files a stage publishes from its store entry into the figures directory, atomically, and only when
/// the copy there differs from the entry's bytes.
public struct FigurePublisher: Sendable {
    public let figuresDirectory: String
    public let store: Store

    public func publish(_ stage: ResolvedStage, manifest: Manifest) throws -> [String] {
        let files = stage.publishedFiles
        guard !files.isEmpty else { return [] }
        try FileManager.default.createDirectory(atPath: figuresDirectory, withIntermediateDirectories: true)
        var written: [String] = []
        for file in files {
            guard let output = manifest.outputs[file] else {
                throw PipelineError("stage \(stage.name) should have written \(file) but its entry has no such file")
            }
            let destination = figuresDirectory + "/" + file
            if let status = FileDigest.status(of: destination), status.bytes == output.bytes,
               (try? FileDigest.sha256(ofFile: destination)) == output.sha256 {
                continue
            }
            // The entry's file is re-hashed now: a size/mtime check would publish bytes that rotted in the store.
            let source = store.entryDirectory(manifest.key) + "/" + file
            guard (try? FileDigest.sha256(ofFile: source)) == output.sha256 else {
                throw PipelineError("stage \(stage.name): stored \(file) does not match its SHA-256, so it was not "
                    + "published. Repair: `icar audit --quarantine`, then `icar run`")
            }
            try AtomicFile.copy(from: source, to: destination)
            written.append(destination)
        }
        return written
    }
}
