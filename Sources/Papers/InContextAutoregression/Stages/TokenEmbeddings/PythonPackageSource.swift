import Foundation
import PipelineEngine
import StageSupport

/// Where the one archive of a pinned package comes from: PyPI's JSON API, or a local directory of archives.
///
/// Either way exactly one file is copied into the scratch directory and nothing of it is opened here; the caller
/// checks its SHA-256 before reading it.
struct PythonPackageSource {
    /// PyPI's simple repository API, asked for its JSON form (PEP 691); the older per-release JSON API
    /// (pypi.org/pypi/NAME/VERSION/json) answers 404 behind this machine's mirror, while every index serves this one.
    static let index = "https://pypi.org/simple"

    let package: String
    let version: String
    let sdist: Bool
    /// A local directory of archives, or empty for PyPI.
    let findLinks: String

    var kindWord: String { sdist ? "source archive (.tar.gz or .zip)" : "pure-Python wheel (…-none-any.whl)" }

    /// Copies the archive into `directory` and returns its path there.
    func download(into directory: String, log: (String) -> Void) throws -> String {
        findLinks.isEmpty ? try downloadFromIndex(into: directory, log: log) : try copyFromLocalDirectory(into: directory, log: log)
    }

    private func copyFromLocalDirectory(into directory: String, log: (String) -> Void) throws -> String {
        let links = URL(fileURLWithPath: findLinks).standardizedFileURL.path
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: links) else {
            throw PipelineError("cannot download \(package)==\(version) from \(links): find_links directory \(links) does not exist or cannot be listed")
        }
        let name = try Self.choose(names.filter { PythonPackageName.isArchive($0, of: package, version: version, sdist: sdist) },
                                   describing: "\(package)==\(version) from \(links)", kind: kindWord)
        let destination = directory + "/" + name
        try FileManager.default.copyItem(atPath: links + "/" + name, toPath: destination)
        log("copied \(links)/\(name)")
        return destination
    }

    private func downloadFromIndex(into directory: String, log: (String) -> Void) throws -> String {
        let metadataURL = "\(Self.index)/\(package)/"
        let metadata = directory + "/release.json"
        try Self.curl(metadataURL, to: metadata, what: "\(package)==\(version)",
                      accept: "application/vnd.pypi.simple.v1+json")
        let files = try Self.releaseFiles(Data(contentsOf: URL(fileURLWithPath: metadata)), package: package, version: version)
        try? FileManager.default.removeItem(atPath: metadata)
        let name = try Self.choose(files.keys.filter { PythonPackageName.isArchive($0, of: package, version: version, sdist: sdist) },
                                   describing: "\(package)==\(version) on PyPI", kind: kindWord)
        let url = files[name]!
        guard url.hasPrefix("https://") else { throw PipelineError("PyPI lists \(name) at a non-HTTPS address \(url)") }
        let destination = directory + "/" + name
        try Self.curl(url, to: destination, what: name)
        log("downloaded \(url)")
        return destination
    }

    /// File name → URL of every file of the project, from the simple API's JSON (`files`: `filename`, `url`); the
    /// archive of the wanted version is then chosen by its name.
    static func releaseFiles(_ json: Data, package: String, version: String) throws -> [String: String] {
        guard let object = try? JSONSerialization.jsonObject(with: json) as? [String: Any],
              let urls = object["files"] as? [[String: Any]] else {
            throw PipelineError("PyPI's answer for \(package)==\(version) is not a release description")
        }
        var files: [String: String] = [:]
        for entry in urls {
            // A file name from the index becomes a path in scratch: only plain names are taken.
            if let name = entry["filename"] as? String, let url = entry["url"] as? String, FileNameGrammar.isValid(name) {
                files[name] = url
            }
        }
        return files
    }

    /// The one candidate, or an error naming what was found.
    static func choose(_ candidates: [String], describing what: String, kind: String) throws -> String {
        guard candidates.count == 1 else {
            throw PipelineError(candidates.isEmpty
                ? "cannot download \(what): there is no \(kind)"
                : "cannot download \(what): \(candidates.count) archives match (\(candidates.sorted().joined(separator: ", "))), expected one")
        }
        return candidates[0]
    }

    /// `curl` over HTTPS only (redirects too), failing on an HTTP error.
    static func curl(_ url: String, to path: String, what: String, accept: String? = nil) throws {
        do {
            _ = try ExternalProgram.run(["curl", "--fail", "--silent", "--show-error", "--location", "--proto", "=https",
                                         "--proto-redir", "=https", "--max-filesize", "1000000000"]
                                        + (accept.map { ["--header", "Accept: " + $0] } ?? []) + ["--output", path, "--", url])
        } catch let error as PipelineError {
            throw PipelineError("cannot download \(what) from PyPI (this needs network access; set find_links to use a local directory): \(error.message)")
        }
    }
}
