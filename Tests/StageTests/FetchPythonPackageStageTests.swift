import Foundation
import Testing
@testable import InContextStages
@testable import StageSupport
@testable import PipelineEngine

/// Local package archives for `fetch-python-package` with `find_links`: pip reads them with `--no-index`, so the
/// tests need no network.
final class LocalPackageIndex {
    let directory: String
    let wheel: String
    let sdist: String

    /// A wheel `tinymodel 1.0` (model/weights.bin, model/vocab.txt, extra/vocab.txt) and an sdist `tinytexts 1.0`
    /// (texts/a.txt, texts/b.txt) whose in-tree build backend needs nothing from an index.
    init() throws {
        directory = NSTemporaryDirectory() + "icar-links-" + UUID().uuidString
        let source = directory + "-source"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        wheel = directory + "/tinymodel-1.0-py3-none-any.whl"
        sdist = directory + "/tinytexts-1.0.tar.gz"
        // pip accepts a wheel with the files and a dist-info holding METADATA and WHEEL.
        let makeWheel = """
        import sys, zipfile
        with zipfile.ZipFile(sys.argv[1], "w") as z:
            z.writestr("tinymodel/model/weights.bin", bytes(range(256)))
            z.writestr("tinymodel/model/vocab.txt", "[UNK]\\nhello\\n")
            z.writestr("tinymodel/extra/vocab.txt", "other\\n")
            z.writestr("tinymodel-1.0.dist-info/METADATA", "Metadata-Version: 2.1\\nName: tinymodel\\nVersion: 1.0\\n")
            z.writestr("tinymodel-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\\nGenerator: icar-test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n")
        """
        try Self.check(runProgram(["python3", "-c", makeWheel, wheel]))
        // An sdist's metadata is prepared by its build backend; this one is in the archive and requires nothing.
        let root = source + "/tinytexts-1.0"
        try FileManager.default.createDirectory(atPath: root + "/texts", withIntermediateDirectories: true)
        let files = [
            "PKG-INFO": "Metadata-Version: 2.1\nName: tinytexts\nVersion: 1.0\n",
            "pyproject.toml": "[build-system]\nrequires = []\nbuild-backend = \"backend\"\nbackend-path = [\".\"]\n",
            "backend.py": """
            import os, shutil
            def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
                os.makedirs(os.path.join(metadata_directory, "tinytexts-1.0.dist-info"))
                shutil.copy("PKG-INFO", os.path.join(metadata_directory, "tinytexts-1.0.dist-info", "METADATA"))
                return "tinytexts-1.0.dist-info"
            def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
                raise RuntimeError("metadata only")

            """,
            "texts/a.txt": "first text\n",
            "texts/b.txt": "second text\n",
        ]
        for (name, contents) in files { try Data(contents.utf8).write(to: URL(fileURLWithPath: root + "/" + name)) }
        try Self.check(runProgram(["tar", "-czf", sdist, "-C", source, "tinytexts-1.0"]))
        try FileManager.default.removeItem(atPath: source)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    static func check(_ result: (status: Int32, output: String)) throws {
        guard result.status == 0 else { throw PipelineError("test setup failed: \(result.output)") }
    }

    func parameters(package: String, sha256: String, files: [String], sdist: Bool = false) -> String {
        let list = files.map { "\"\($0)\"" }.joined(separator: ", ")
        return #"{"package": "\#(package)", "version": "1.0", "archive_sha256": "\#(sha256)", "files": [\#(list)], "sdist": \#(sdist), "find_links": "\#(directory)"}"#
    }
}

@Suite struct FetchPythonPackageStageTests {
    @Test func wheelFilesAreExtractedUnderTheirLastNameAndRecorded() throws {
        let index = try LocalPackageIndex()
        let harness = try StageHarness()
        let sha = try FileDigest.sha256(ofFile: index.wheel)
        let output = try harness.run(FetchPythonPackageKind(),
                                     index.parameters(package: "tinymodel", sha256: sha, files: ["model/weights.bin", "tinymodel/model/vocab.txt"]))
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: output)) == ["weights.bin", "vocab.txt", "archive.json"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: output + "/weights.bin")) == Data((0..<256).map { UInt8($0) }))
        #expect(try String(contentsOfFile: output + "/vocab.txt", encoding: .utf8) == "[UNK]\nhello\n")
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output + "/archive.json"))) as! [String: Any]
        #expect(record["package"] as? String == "tinymodel" && record["version"] as? String == "1.0")
        #expect(record["archive"] as? String == "tinymodel-1.0-py3-none-any.whl")
        #expect(record["sha256"] as? String == sha)
        let files = record["files"] as! [[String: Any]]
        #expect(files.map { $0["path"] as? String } == ["tinymodel/model/weights.bin", "tinymodel/model/vocab.txt"])
        #expect(files.map { $0["name"] as? String } == ["weights.bin", "vocab.txt"])
    }

    @Test func sdistDirectoryTakesEveryFileUnderIt() throws {
        let index = try LocalPackageIndex()
        let harness = try StageHarness()
        let output = try harness.run(FetchPythonPackageKind(),
                                     index.parameters(package: "tinytexts", sha256: try FileDigest.sha256(ofFile: index.sdist),
                                                      files: ["texts"], sdist: true))
        #expect(try String(contentsOfFile: output + "/a.txt", encoding: .utf8) == "first text\n")
        #expect(try String(contentsOfFile: output + "/b.txt", encoding: .utf8) == "second text\n")
        let record = try String(contentsOfFile: output + "/archive.json", encoding: .utf8)
        #expect(record.contains("tinytexts-1.0/texts/a.txt") && record.contains("tinytexts-1.0.tar.gz"), "\(record)")
    }

    @Test func aWrongPinFailsNamingBothHashes() throws {
        let index = try LocalPackageIndex()
        let harness = try StageHarness()
        let actual = try FileDigest.sha256(ofFile: index.wheel)
        let pinned = String(repeating: "ab", count: 32)
        do {
            try harness.run(FetchPythonPackageKind(), index.parameters(package: "tinymodel", sha256: pinned, files: ["model/vocab.txt"]))
            Issue.record("a wrong pin was accepted")
        } catch let error as PipelineError {
            #expect(error.message.contains(actual) && error.message.contains(pinned), "\(error.message)")
        }
    }

    @Test func aMissingFileFailsNamingIt() throws {
        let index = try LocalPackageIndex()
        let harness = try StageHarness()
        do {
            try harness.run(FetchPythonPackageKind(),
                            index.parameters(package: "tinymodel", sha256: try FileDigest.sha256(ofFile: index.wheel),
                                             files: ["model/vocab.txt", "model/model.safetensors"]))
            Issue.record("a missing file was accepted")
        } catch let error as PipelineError {
            #expect(error.message.contains("no file or directory 'model/model.safetensors'"), "\(error.message)")
        }
    }

    @Test func aPackageTheDirectoryLacksFailsNamingIt() throws {
        let index = try LocalPackageIndex()
        let harness = try StageHarness()
        do {
            try harness.run(FetchPythonPackageKind(), index.parameters(package: "nosuchpackage", sha256: String(repeating: "0", count: 64), files: ["x"]))
            Issue.record("a missing package was accepted")
        } catch let error as PipelineError {
            #expect(error.message.contains("cannot download nosuchpackage==1.0 from \(index.directory)"), "\(error.message)")
        }
    }

    @Test func selectionRejectsAmbiguousPathsAndNameClashes() throws {
        let members = ["p/model/vocab.txt", "p/extra/vocab.txt", "p/model/weights.bin", "p/texts/a.txt", "q/texts/b.txt"]
        #expect(try ArchiveMemberSelection.select(["model/vocab.txt"], from: members, archive: "a")
                == [.init(member: "p/model/vocab.txt", name: "vocab.txt")])
        #expect(throws: PipelineError.self) { try ArchiveMemberSelection.select(["vocab.txt"], from: members, archive: "a") }
        #expect(throws: PipelineError.self) {
            try ArchiveMemberSelection.select(["model/vocab.txt", "extra/vocab.txt"], from: members, archive: "a")
        }
        #expect(throws: PipelineError.self) { try ArchiveMemberSelection.select(["texts"], from: members, archive: "a") }
        #expect(try ArchiveMemberSelection.select(["p/texts/"], from: members, archive: "a").map(\.name) == ["a.txt"])
        // "odel/vocab.txt" is not a suffix at a path boundary.
        #expect(throws: PipelineError.self) { try ArchiveMemberSelection.select(["odel/vocab.txt"], from: members, archive: "a") }
        #expect(throws: PipelineError.self) {
            try ArchiveMemberSelection.select(["weights.bin"], from: members, archive: "a", reserved: ["weights.bin"])
        }
    }
}
