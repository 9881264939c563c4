import Foundation
import HDF5
import PipelineEngine
import Testing

/// diff, metrics, --set, --strict, --json and audit --rerun on the repository's pipeline (quick profile), cut down to
/// the Figure 6 chain with one value of μ and an earlier stop so that each test runs in seconds.
@Suite(.serialized) struct CLITests {
    static func figure6Pipeline() throws -> String {
        var document = try JSONSerialization.jsonObject(with: Data(try PaperPipelineTests.offlinePipeline().utf8)) as! [String: Any]
        var stages = (document["stages"] as! [String: [String: Any]]).filter { ["sequences-phase", "fig6-train", "fig6-verify"].contains($0.key) }
        var params = stages["fig6-train"]!["params"] as! [String: Any]
        params["mus"] = [50]
        params["threshold"] = 0.01
        stages["fig6-train"]!["params"] = params
        document["stages"] = stages
        var profiles = document["profiles"] as! [String: [String: Any]]
        for (name, overrides) in profiles { profiles[name] = overrides.filter { stages[$0.key] != nil } }
        document["profiles"] = profiles
        return String(decoding: try JSONSerialization.data(withJSONObject: document), as: UTF8.self)
    }

    /// Runs python3 with `script`, feeding it `input`; returns its exit status and output.
    static func python(_ script: String, input: String) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stdout
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    @Test func metricsSetStrictAndDiff() throws {
        let bed = try Testbed(try Self.figure6Pipeline())
        #expect(try bed.icar("status", "--profile", "quick").status == 6, "stale before the first run")
        let first = try bed.icar("run", "--profile", "quick", "--strict")
        #expect(first.status == 0, "\(first.error)")
        #expect(try bed.icar("status", "--profile", "quick").status == 0)

        let metrics = try bed.icar("metrics", "--profile", "quick")
        #expect(metrics.output.contains("μ = 50: GD reached the loss threshold"), "\(metrics.output)")
        #expect(metrics.output.contains("5 rows: 3 checked, 0 failed, 2 reported"), "\(metrics.output)")
        let csv = try bed.icar("metrics", "fig6-verify", "--profile", "quick", "--csv")
        let (csvStatus, csvCheck) = try Self.python("""
            import csv, sys
            rows = list(csv.DictReader(sys.stdin))
            assert len(rows) == 5, len(rows)
            assert {r['result'] for r in rows} == {'pass', 'reported'}, rows
            assert all(r['stage'] == 'fig6-verify' for r in rows)
            print('ok')
            """, input: csv.output)
        #expect(csvStatus == 0 && csvCheck.contains("ok"), "\(csvCheck)\n\(csv.output)")

        // A one-off value is validated like pipeline.json …
        let bad = try bed.icar("run", "--profile", "quick", "--set", "fig6-train.max_steps=-3")
        #expect(bad.status == 2)
        #expect(bad.error.contains("parameter \"max_steps\"") && bad.error.contains("(set by --set fig6-train.max_steps=-3)"), "\(bad.error)")
        #expect(try bed.icar("run", "--set", "fig6-tran.max_steps=3").error.contains("did you mean \"fig6-train\""))
        // … keyed like any parameter, and --strict turns the claim it breaks into exit status 5.
        let before = bed.key(of: "fig6-verify")!
        let strict = try bed.icar("run", "--profile", "quick", "--set", "fig6-train.max_steps=10", "--strict")
        #expect(strict.status == 5, "\(strict.error)")
        #expect(strict.error.contains("FAILED fig6-verify: μ = 50: GD reached the loss threshold"), "\(strict.error)")
        let after = bed.key(of: "fig6-verify")!
        #expect(after != before)
        let lenient = try bed.icar("run", "--profile", "quick", "--set", "fig6-train.max_steps=10")
        #expect(lenient.status == 0 && lenient.error.contains("0 run, 3 cached"), "\(lenient.error)")
        #expect(try bed.icar("status", "--profile", "quick").status == 0, "the file's own parameters are still cached")

        let diff = try bed.icar("diff", "fig6-verify", String(after.prefix(12)), "--profile", "quick")
        #expect(diff.status == 0, "\(diff.error)")
        #expect(diff.output.contains("fig6-verify ← fig6-train  max_steps: 100000 → 10"), "\(diff.output)")
        #expect(diff.output.contains("fig6-verify ← trained: content"), "\(diff.output)")
        #expect(diff.output.range(of: #"μ = 50: GD reached the loss threshold \(stopping step k\)\s+\d+\s+10\s+-\d+"#, options: .regularExpression) != nil,
                "\(diff.output)")
        let json = try bed.icar("diff", "fig6-verify", String(after.prefix(12)), "--profile", "quick", "--json")
        let (jsonStatus, jsonCheck) = try Self.python("""
            import json, sys
            d = json.load(sys.stdin)
            assert [(p['parameter'], p['a'], p['b']) for p in d['parameters']] == [('max_steps', '100000', '10')], d['parameters']
            assert d['b']['key'].startswith('\(after.prefix(12))')
            row = [r for r in d['theory'] if r['claim'].startswith('μ = 50: GD reached')][0]
            assert row['b'] == '10' and row['a'] != '10', row
            print('ok')
            """, input: json.output)
        #expect(jsonStatus == 0 && jsonCheck.contains("ok"), "\(jsonCheck)")
        #expect(try bed.icar("diff", "fig6-verify", "fig6-verify@0000000", "--profile", "quick").error.contains("no entry of fig6-verify made at commit 0000000"))
    }

    @Test func auditRerunFindsIdenticalEntriesAndAChangedDataset() throws {
        let bed = try Testbed(try Self.figure6Pipeline())
        #expect(try bed.icar("run", "--profile", "quick").status == 0)
        let rerun = try bed.icar("audit", "--profile", "quick", "--rerun", "3", "--json")
        #expect(rerun.status == 0, "\(rerun.output)\(rerun.error)")
        let (identicalStatus, identicalCheck) = try Self.python("""
            import json, sys
            d = json.load(sys.stdin)
            assert sorted(r['stage'] for r in d['reruns']) == ['fig6-train', 'fig6-verify', 'sequences-phase'], d['reruns']
            assert all(r['verdict'] == 'identical' for r in d['reruns']), d['reruns']
            assert d['problems'] == 0 and d['findings'] == []
            print('ok')
            """, input: rerun.output)
        #expect(identicalStatus == 0 && identicalCheck.contains("ok"), "\(identicalCheck)")

        // Change one value of one dataset of fig6-train's entry, and its manifest with it: integrity holds, the
        // recomputation does not.
        let key = bed.key(of: "fig6-train")!
        let entry = bed.directory + "/data/entries/" + key
        let manifestPath = entry + "/manifest.json"
        var manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: manifestPath))) as! [String: Any]
        var outputs = manifest["outputs"] as! [String: [String: Any]]
        let file = try #require(outputs.keys.first { $0.hasSuffix(".h5") })
        let path = entry + "/" + file
        let original = try HDF5File.open(path)
        let names = original.datasetNames()
        #expect(!names.isEmpty)
        let contents = try names.map { ($0, try original.readDoubles($0)) }
        try original.close()
        try FileManager.default.removeItem(atPath: path)
        let changed = try HDF5File.create(path)
        for (index, (name, data)) in contents.enumerated() {
            var values = data.values
            if index == 0 { values[0] += 0.25 }
            try changed.write(name, values, shape: data.shape)
        }
        try changed.close()
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        outputs[file]!["sha256"] = try FileDigest.sha256(ofFile: path)
        outputs[file]!["bytes"] = (attributes[.size] as! NSNumber).intValue
        outputs[file]!["modifiedNanoseconds"] = Int64((attributes[.modificationDate] as! Date).timeIntervalSince1970 * 1e9)
        manifest["outputs"] = outputs
        let decoded = try JSONDecoder().decode(Manifest.self, from: try JSONSerialization.data(withJSONObject: manifest))
        manifest["contentHash"] = Manifest.contentHash(of: decoded.outputs)
        try JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys]).write(to: URL(fileURLWithPath: manifestPath))
        let audit = try bed.icar("audit", "--profile", "quick")
        #expect(audit.status == 0 && !audit.output.contains("CORRUPT"), "a consistent change passes the integrity audit: \(audit.output)")

        let second = try bed.icar("audit", "--profile", "quick", "--rerun", "1", "fig6-train")
        #expect(second.status == 1)
        #expect(second.output.contains("DIFFERS    \(key.prefix(12))  fig6-train"), "\(second.output)")
        #expect(second.output.contains("dataset \(names[0]): 1 of \(contents[0].1.values.count) values differ, max |Δ| 0.25"), "\(second.output)")
    }

    /// Every example line of every help text runs against the repository's pipeline (empty store; `run` examples with
    /// --dry-run, `report` only parsed by its `run` equivalent): none names a stage or option that does not exist.
    @Test func everyHelpExampleRuns() throws {
        let bed = try Testbed(try PaperPipelineTests.offlinePipeline())
        var examples: [[String]] = []
        for command in ["", "run", "status", "audit", "show", "graph", "gc", "kinds", "report", "diff", "metrics"] {
            let help = try bed.icar(command.isEmpty ? ["--help"] : [command, "--help"])
            #expect(help.status == 0)
            for line in help.output.split(separator: "\n") where line.hasPrefix("  icar ") {
                let command = line.split(separator: "#")[0].components(separatedBy: "&&")[0].components(separatedBy: "|")[0]
                    .components(separatedBy: ">")[0]
                examples.append(command.split(separator: " ").dropFirst().map(String.init))
            }
        }
        #expect(examples.count >= 20)
        for var arguments in examples {
            if arguments.first == "report" { arguments[0] = "run"; arguments.append("report") }
            if arguments.first == "run" || arguments.first == "gc" { arguments.append("--dry-run") }
            if arguments.first == "run" { arguments.removeAll { $0 == "--strict" } }
            let outcome = try bed.icar(arguments)
            #expect(!outcome.error.contains("Error:") && !outcome.error.contains("no stage named") && !outcome.error.contains("unknown stage"),
                    "icar \(arguments.joined(separator: " ")): \(outcome.error)")
            #expect([0, 6].contains(outcome.status) || outcome.error.contains("has no stored result") || outcome.error.contains("made at commit")
                    || outcome.error.contains("neither a stage nor"), "icar \(arguments.joined(separator: " ")) exited \(outcome.status): \(outcome.error)")
        }
    }

    @Test func jsonOutputsParseWithPython() throws {
        let bed = try Testbed(echoPipeline())
        try bed.icar("run", "a")
        let script = """
            import json, sys
            d = json.load(sys.stdin)
            kind = sys.argv[1]
            if kind in ('status', 'dry-run'):
                states = {s['stage']: s['state'] for s in d['stages']}
                assert states['a'] == 'cached' and states['d'] == 'stale', states
            if kind == 'status': assert d['cached'] == 1 and d['stale'] == 3
            if kind == 'show': assert d['kind'] == 'test-echo' and d['manifest']['outputs']['echo.txt']['bytes'] == 1 and d['lineage']['stage'] == 'a'
            if kind == 'audit': assert d['problems'] == 0 and d['entries'] == 1
            if kind == 'kinds': assert 'test-echo' in [k['name'] for k in d] and all('parameters' in k for k in d)
            if kind == 'graph': assert {'from': 'c', 'to': 'd', 'slot': 'a'} in d['edges'] and len(d['stages']) == 4
            print('ok')
            """
        for (kind, arguments) in [("status", ["status", "--json"]), ("dry-run", ["run", "--dry-run", "--json"]), ("show", ["show", "a", "--json"]),
                                  ("audit", ["audit", "--json"]), ("kinds", ["kinds", "--json"]), ("graph", ["graph", "--json"])] {
            let outcome = try bed.icar(arguments)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", "-c", script, kind]
            let input = Pipe(), output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            process.standardError = output
            try process.run()
            input.fileHandleForWriting.write(Data(outcome.output.utf8))
            try input.fileHandleForWriting.close()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0 && text.contains("ok"), "\(kind): \(text)\n\(outcome.output)")
        }
        let completion = try bed.icar("--generate-completion-script", "bash")
        #expect(completion.status == 0 && completion.output.contains("---completion"), "\(completion.output.prefix(300))")
        let names = try bed.icar("---completion", "show", "--", "positional@0", "0", "0")
        #expect(names.output.split(separator: "\n").map(String.init).sorted() == ["a", "b", "c", "d"], "\(names.output)\(names.error)")
        let kinds = try bed.icar("kinds")
        #expect(kinds.output.contains("extract-closed-form-weights  v"), "\(kinds.output)")
        // One kind's datasets, per file, with axis names and lengths in terms of its parameters.
        let multihead = try bed.icar("kinds", "train-multihead")
        let lines = multihead.output.split(separator: "\n").map(String.init)
        let heading = lines.firstIndex(of: "datasets:") ?? lines.endIndex
        #expect(lines.dropFirst(heading).contains("  trained.h5"), "\(multihead.output)")
        #expect(lines.dropFirst(heading).contains("    parameters/queryWeight  [head: heads, out: 2*dimension, in: 2*dimension]"),
                "\(multihead.output)")
        let plot = try bed.icar("kinds", "plot-multihead")
        #expect(plot.status == 0 && !plot.output.contains("datasets:"), "a kind writing no HDF5 lists none: \(plot.output)")
    }
}
