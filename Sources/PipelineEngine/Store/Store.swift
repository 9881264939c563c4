import Foundation
import Glibc

/// The content-addressed store under `data/`:
///
///     entries/KEY/manifest.json + outputs   one finished stage result, immutable once renamed into place
///     tmp/KEY.PID/                          a stage at work; never read as a result, removed by the next run
///     records/STAGE.json                    the last successful run of each stage (for `icar status`)
///     logs/STAGE.log                        what the stage printed in its last run
///     quarantine/                           entries `icar audit --quarantine` found damaged
///     lock                                  held by the one `icar run` that may write
///
/// A note on atomicity: a stage writes into tmp/, hashes its outputs, writes the manifest last, and only then
/// renames the directory to entries/KEY. rename(2) is atomic, so an entry either exists whole or not at all, and a
/// killed stage leaves only a tmp/ directory that no later run mistakes for a result.
public struct Store: Sendable {
    public let root: String

    public init(root: String) { self.root = root }

    public var entriesDirectory: String { root + "/entries" }
    public var temporaryDirectory: String { root + "/tmp" }
    public var recordsDirectory: String { root + "/records" }
    public var logsDirectory: String { root + "/logs" }
    public var quarantineDirectory: String { root + "/quarantine" }
    public var lockPath: String { root + "/lock" }

    public func entryDirectory(_ key: String) -> String { entriesDirectory + "/" + key }

    public func createDirectories() throws {
        for directory in [root, entriesDirectory, temporaryDirectory, recordsDirectory, logsDirectory] {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue { continue }
            if mkdir(directory, 0o755) != 0, errno != EEXIST {
                throw PipelineError.system("create the store directory", directory, errno: errno)
            }
        }
    }

    // MARK: Entries

    /// The manifest of entry `key`, or nil when there is no (whole) entry.
    public func manifest(_ key: String) -> Manifest? {
        let path = entryDirectory(key) + "/" + Manifest.fileName
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(Manifest.self, from: data)
    }

    public var entryKeys: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: entriesDirectory)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    public enum EntryCondition: Equatable, Sendable {
        case intact
        case missing
        /// A problem with the entry, in words (a file missing, a hash that differs, an unreadable manifest).
        case damaged(String)
    }

    /// Checks an entry: every output present with its recorded size; files whose modification time changed are
    /// re-hashed. `thorough` re-hashes every file (what `icar audit` does).
    public func condition(of key: String, thorough: Bool = false) -> EntryCondition {
        let directory = entryDirectory(key)
        guard FileManager.default.fileExists(atPath: directory) else { return .missing }
        guard let manifest = manifest(key) else { return .damaged("manifest.json is missing or unreadable") }
        guard manifest.key == key, SHA256Hasher.hex(of: manifest.keyText) == key else {
            return .damaged("manifest does not describe key \(key)")
        }
        for (name, output) in manifest.outputs.sorted(by: { $0.key < $1.key }) {
            let path = directory + "/" + name
            guard let status = FileDigest.status(of: path) else { return .damaged("output \(name) is missing") }
            guard status.bytes == output.bytes else {
                return .damaged("output \(name) has \(status.bytes) bytes, the manifest says \(output.bytes)")
            }
            if thorough || status.modifiedNanoseconds != output.modifiedNanoseconds {
                guard let digest = try? FileDigest.sha256(ofFile: path) else { return .damaged("output \(name) is unreadable") }
                guard digest == output.sha256 else { return .damaged("output \(name) does not match its SHA-256") }
            }
        }
        guard Manifest.contentHash(of: manifest.outputs) == manifest.contentHash else {
            return .damaged("manifest content hash does not match its outputs")
        }
        return .intact
    }

    /// Moves a damaged entry out of the way so that no run takes it for a result.
    public func quarantine(_ key: String) throws {
        try FileManager.default.createDirectory(atPath: quarantineDirectory, withIntermediateDirectories: true)
        let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
        let target = quarantineDirectory + "/\(key).\(stamp).\(getpid()).\(UInt32.random(in: 0...UInt32.max))"
        guard rename(entryDirectory(key), target) == 0 else {
            throw PipelineError("cannot move \(entryDirectory(key)) to \(target): \(String(cString: strerror(errno)))")
        }
    }

    public func remove(_ key: String) throws {
        try FileManager.default.removeItem(atPath: entryDirectory(key))
    }

    // MARK: Committing a finished stage (called in the stage's own process)

    /// A fresh work directory for a stage; its `outputs` subdirectory is where the stage writes.
    public func makeWorkDirectory(key: String) throws -> String {
        let work = temporaryDirectory + "/\(key).\(getpid())"
        try? FileManager.default.removeItem(atPath: work)
        guard mkdir(work, 0o755) == 0 else { throw PipelineError.system("create the work directory", work, errno: errno) }
        return work
    }

    /// Hashes every file of `work`, writes the manifest last and renames `work` to the entry of `manifest.key`.
    /// Returns the committed manifest. If another process committed the same key first, its entry is kept.
    /// With `replacing`, an existing entry of the same key (a forced re-run) is swapped out after the new one is whole.
    public func commit(work: String, replacing: Bool = false,
                       manifestFor: ([String: Manifest.Output]) -> Manifest) throws -> Manifest {
        let fileManager = FileManager.default
        let names = try fileManager.contentsOfDirectory(atPath: work).filter { $0 != Manifest.fileName }.sorted()
        var outputs: [String: Manifest.Output] = [:]
        for name in names {
            let path = work + "/" + name
            var isDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
                throw PipelineError("stage wrote a directory '\(name)'; outputs must be plain files")
            }
            try syncFile(path)
            guard let status = FileDigest.status(of: path) else { throw PipelineError("output \(name) vanished") }
            outputs[name] = Manifest.Output(sha256: try FileDigest.sha256(ofFile: path), bytes: status.bytes,
                                            modifiedNanoseconds: status.modifiedNanoseconds)
        }
        let manifest = manifestFor(outputs)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let manifestPath = work + "/" + Manifest.fileName
        try encoder.encode(manifest).write(to: URL(fileURLWithPath: manifestPath))
        try syncFile(manifestPath)
        let target = entryDirectory(manifest.key)
        if replacing, fileManager.fileExists(atPath: target) {
            let retired = work + ".retired"
            guard rename(target, retired) == 0 else {
                throw PipelineError("cannot replace \(target): \(String(cString: strerror(errno)))")
            }
            try? fileManager.removeItem(atPath: retired)
        }
        if fileManager.fileExists(atPath: target) {
            // Someone committed the same key (same inputs, same code): keep theirs.
            try? fileManager.removeItem(atPath: work)
            return self.manifest(manifest.key) ?? manifest
        }
        guard rename(work, target) == 0 else {
            throw PipelineError("cannot move \(work) into the store: \(String(cString: strerror(errno)))")
        }
        syncDirectory(entriesDirectory)
        return manifest
    }

    /// Removes work directories whose process is gone (a killed or crashed stage).
    /// `keeping`: keys whose stage runs elsewhere (a live Slurm job), so the pid in its work directory's name says nothing.
    public func removeAbandonedWork(keeping keys: Set<String> = []) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: temporaryDirectory)) ?? []
        for name in names {
            if keys.contains(where: { name.hasPrefix($0 + ".") || name.hasPrefix("scratch-\($0.prefix(12)).") }) { continue }
            if let pidText = name.split(separator: ".").last, let pid = Int32(pidText), pid > 0, Self.isRunning(pid) {
                continue
            }
            try? FileManager.default.removeItem(atPath: temporaryDirectory + "/" + name)
        }
    }

    /// Whether process `pid` exists and is not a zombie: a stage killed with its scheduler is re-parented to the
    /// container's pid 1, which may never reap it, and kill(pid, 0) succeeds on a zombie.
    public static func isRunning(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return true }
        let state = stat[stat.index(after: close)...].drop { $0 == " " }.first
        return state != "Z" && state != "X"
    }

    // MARK: Records

    public func record(for stage: String) -> StageRecord? {
        guard let data = FileManager.default.contents(atPath: recordsDirectory + "/\(stage).json") else { return nil }
        return try? JSONDecoder().decode(StageRecord.self, from: data)
    }

    public func writeRecord(_ record: StageRecord) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(try encoder.encode(record), to: recordsDirectory + "/\(record.stage).json")
    }

    // MARK: Durability

    private func syncFile(_ path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw PipelineError("cannot open \(path) to flush it") }
        fsync(fd)
        close(fd)
    }

    private func syncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }
}

/// Writes a file whole or not at all: a temporary file in the same directory, then rename(2).
public enum AtomicFile {
    public static func write(_ data: Data, to path: String) throws {
        let temporary = path + ".tmp.\(getpid()).\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else { throw PipelineError.system("write", path, errno: errno) }
        var written = 0
        let failure: Int32? = data.withUnsafeBytes { bytes in
            while written < bytes.count {
                let count = Glibc.write(fd, bytes.baseAddress! + written, bytes.count - written)
                if count < 0 { if errno == EINTR { continue }; return errno }
                written += count
            }
            return fsync(fd) == 0 || errno == EINVAL ? nil : errno
        }
        close(fd)
        if let failure {
            unlink(temporary)
            throw PipelineError.system("write", path, errno: failure)
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw PipelineError.system("write", path, errno: code)
        }
    }

    /// Copies a file into place atomically (for publishing figures).
    public static func copy(from source: String, to path: String) throws {
        let temporary = path + ".tmp.\(getpid()).\(UInt32.random(in: 0...UInt32.max))"
        unlink(temporary)
        guard let data = FileManager.default.contents(atPath: source) else {
            throw PipelineError("cannot read \(source) to copy it to \(path)")
        }
        try write(data, to: path)
    }
}
