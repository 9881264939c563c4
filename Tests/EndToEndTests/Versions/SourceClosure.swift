import Foundation
import PipelineEngine

/// The package's target graph as SwiftPM reports it (`swift package describe --type json`), and the source closure
/// of a module in it: the module, every target it depends on transitively (the engine, the shared code, the C shims
/// and system-library maps included), the `icar` executable's own files (stage processes run in it) and
/// Package.swift. Derived, never listed by hand, so a new dependency is covered the moment it is declared.
struct PackageTargetGraph {
    struct Target: Decodable {
        let name: String
        let path: String
        let target_dependencies: [String]?
        let product_dependencies: [String]?
    }

    private struct Description: Decodable { let targets: [Target] }

    let repository: String
    let targets: [String: Target]

    /// The executable that runs every stage (`icar exec-stage`): its own files are in every closure.
    static let stageRunner = "icar"

    init(repository: String) throws {
        self.repository = repository
        // Another scratch folder: `swift test` holds the lock on .build while this runs.
        let scratch = NSTemporaryDirectory() + "icar-describe-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let result = try runCommand(["swift", "package", "--package-path", repository, "--scratch-path", scratch,
                                     "describe", "--type", "json"])
        guard result.status == 0 else {
            throw PipelineError("swift package describe failed: \(String(decoding: result.error, as: UTF8.self))")
        }
        let data = result.output
        let description = try JSONDecoder().decode(Description.self, from: data)
        targets = Dictionary(uniqueKeysWithValues: description.targets.map { ($0.name, $0) })
    }

    /// `module` and every target it reaches through target dependencies, sorted.
    func closure(of module: String) throws -> [String] {
        var reached: Set<String> = []
        var pending = [module]
        while let name = pending.popLast() {
            guard reached.insert(name).inserted else { continue }
            guard let target = targets[name] else { throw PipelineError("no target \(name) in Package.swift") }
            pending.append(contentsOf: target.target_dependencies ?? [])
        }
        return reached.sorted()
    }

    /// Every regular file under the targets' folders plus Package.swift, as paths relative to the repository.
    func files(of targetNames: [String]) -> [String] {
        var files: Set<String> = ["Package.swift"]
        for name in targetNames {
            let folder = targets[name]!.path
            guard let walker = FileManager.default.enumerator(atPath: repository + "/" + folder) else { continue }
            for case let path as String in walker {
                var isDirectory: ObjCBool = false
                let full = repository + "/" + folder + "/" + path
                if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
                    files.insert(folder + "/" + path)
                }
            }
        }
        return files.sorted()
    }

    /// SHA-256 over `path NUL file-hash NUL` of the files in sorted order, each file hashed once. Swift sources are
    /// hashed with comments and layout normalised away (SwiftSourceNormaliser), so rewording a comment is not a
    /// code change; C shims and module maps as they are (the normaliser does not know C's character literals).
    func sourceHash(of module: String) throws -> (targets: [String], sha256: String) {
        let closure = try closure(of: module)
        var hashed = closure
        if !hashed.contains(Self.stageRunner) { hashed.append(Self.stageRunner) }
        // The runner's dependencies (every paper) are not part of every kind: only its own folder is.
        var files = Set(self.files(of: closure))
        files.formUnion(self.files(of: [Self.stageRunner]))
        var hasher = SHA256Hasher()
        for file in files.sorted() {
            hasher.update(file + "\0" + (try fileHashes.hash(repository + "/" + file)) + "\0")
        }
        return (hashed.sorted(), hasher.finalizeHex())
    }

    private let fileHashes = FileHashes()

    private final class FileHashes {
        var known: [String: String] = [:]

        func hash(_ path: String) throws -> String {
            if let hash = known[path] { return hash }
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            let hash = path.hasSuffix(".swift")
                ? SHA256Hasher.hex(of: SwiftSourceNormaliser.normalise(String(decoding: data, as: UTF8.self)))
                : SHA256Hasher.hex(of: [UInt8](data))
            known[path] = hash
            return hash
        }
    }
}
