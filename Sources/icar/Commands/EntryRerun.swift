import Foundation
import HDF5
import PipelineEngine

/// `icar audit --rerun`: recomputes a stored entry in a scratch store from the same stored inputs and compares the
/// bytes with the stored ones — an audit of reproducibility, not only of integrity.
struct EntryRerun {
    enum Verdict {
        case identical(files: Int)
        /// Per differing output file, what differs in words (datasets and their max |Δ| for HDF5 files).
        case differs([String])
        case failed(String)
    }

    let pipeline: Pipeline
    let store: Store
    let gitCommit: String

    /// Recomputes the current entry of `stage` (stored under `key`) and compares it with the stored one.
    func rerun(stage: String, key: String, statuses: [StageStatus]) -> Verdict {
        // Scratch inside the store's tmp (cleaned by the next run if this one is killed), on the same file system
        // so entries can be hard-linked.
        let scratch = store.root + "/tmp/rerun-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        do {
            try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
            let scratchStore = Store(root: scratch + "/data")
            try scratchStore.createDirectories()
            // The whole upstream chain, linked (entries are immutable), so the stage runs from exactly the stored inputs.
            let keys = Dictionary(uniqueKeysWithValues: statuses.compactMap { status in status.key.map { (status.stage, $0) } })
            for upstream in upstreamStages(of: stage) {
                guard let upstreamKey = keys[upstream] else { return .failed("input stage \(upstream) has no current key") }
                try linkEntry(upstreamKey, into: scratchStore)
            }
            let copy = pipeline.relocated(store: scratchStore.root, figures: scratch + "/figures")
            var options = RunOptions()
            options.targets = [stage]
            options.jobs = 1
            let display = ProgressDisplay(quiet: true)
            let scheduler = RunScheduler(pipeline: copy, store: scratchStore,
                                         executor: LocalProcessExecutor(executable: currentExecutable(), blasThreads: 1),
                                         options: options, display: display, gitCommit: { gitCommit })
            let summary = try scheduler.run()
            if let failure = summary.failed[stage] ?? summary.failed.values.first { return .failed(failure.message) }
            guard let recomputed = scratchStore.manifest(key) else {
                return .failed("the recomputed entry has another key than \(key.prefix(12)) (the stored inputs changed?)")
            }
            guard let stored = store.manifest(key) else { return .failed("entry \(key.prefix(12)) vanished from the store") }
            var differences: [String] = []
            for name in Set(stored.outputs.keys).union(recomputed.outputs.keys).sorted() {
                guard let a = stored.outputs[name], let b = recomputed.outputs[name] else {
                    differences.append("\(name): only in the \(stored.outputs[name] == nil ? "recomputed" : "stored") entry")
                    continue
                }
                if a.sha256 == b.sha256 { continue }
                let storedPath = store.entryDirectory(key) + "/" + name, newPath = scratchStore.entryDirectory(key) + "/" + name
                differences.append("\(name): " + (name.hasSuffix(".h5") ? Self.compareHDF5(storedPath, newPath) : "\(a.bytes) → \(b.bytes) bytes, contents differ"))
            }
            return differences.isEmpty ? .identical(files: stored.outputs.count) : .differs(differences)
        } catch let error as PipelineError {
            return .failed(error.message)
        } catch {
            return .failed(String(describing: error))
        }
    }

    /// Every stage `stage` depends on, transitively.
    private func upstreamStages(of stage: String) -> Set<String> {
        var found = Set<String>(), pending = [stage]
        while let next = pending.popLast() {
            for source in pipeline.stage(next)?.inputs.values ?? [:].values where found.insert(source).inserted {
                pending.append(source)
            }
        }
        return found
    }

    private func linkEntry(_ key: String, into scratch: Store) throws {
        let source = store.entryDirectory(key), target = scratch.entryDirectory(key)
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: source) {
            if link(source + "/" + name, target + "/" + name) != 0 {
                try FileManager.default.copyItem(atPath: source + "/" + name, toPath: target + "/" + name)
            }
        }
    }

    /// Which datasets of two HDF5 files differ, with the largest absolute difference of each.
    static func compareHDF5(_ storedPath: String, _ newPath: String) -> String {
        guard let stored = try? HDF5File.open(storedPath), let recomputed = try? HDF5File.open(newPath) else {
            return "not readable as HDF5"
        }
        let storedNames = stored.datasetNames(), newNames = recomputed.datasetNames()
        var parts: [String] = []
        for name in Set(storedNames).union(newNames).sorted() {
            guard storedNames.contains(name), newNames.contains(name) else {
                parts.append("dataset \(name) only in the \(storedNames.contains(name) ? "stored" : "recomputed") file")
                continue
            }
            guard let a = try? stored.readDoubles(name), let b = try? recomputed.readDoubles(name) else {
                parts.append("dataset \(name) not numeric"); continue
            }
            if a.shape != b.shape { parts.append("dataset \(name) shape \(a.shape) → \(b.shape)"); continue }
            var largest = 0.0, differing = 0
            for (x, y) in zip(a.values, b.values) where x != y && !(x.isNaN && y.isNaN) {
                differing += 1
                largest = max(largest, (x.isFinite && y.isFinite) ? abs(x - y) : .infinity)
            }
            if differing > 0 {
                parts.append("dataset \(name): \(differing) of \(a.values.count) values differ, max |Δ| \(String(format: "%.3g", largest))")
            }
        }
        return parts.isEmpty ? "datasets equal, file bytes differ (attributes or layout)" : parts.joined(separator: "; ")
    }
}

/// A seeded choice of `count` items (SplitMix64 driving a partial Fisher–Yates shuffle), so `--seed` repeats it.
func seededChoice<T>(_ items: [T], count: Int, seed: UInt64) -> [T] {
    var state = seed
    func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    var pool = items
    for index in 0..<min(count, pool.count) {
        pool.swapAt(index, index + Int(next() % UInt64(pool.count - index)))
    }
    return Array(pool.prefix(count))
}
