import Foundation

/// What `icar run` was asked to do.
public struct RunOptions: Sendable {
    /// Stages to bring up to date (with everything they need); empty = all.
    public var targets: [String] = []
    /// Re-run the targets (all stages when there are none) even when cached.
    public var force = false
    /// Also bring up to date (and with `force`, re-run) everything downstream of the targets.
    public var downstream = false
    /// Independent stages run at once.
    public var jobs = 1
    /// Keep starting independent stages after one failed.
    public var keepGoing = false

    public init() {}
}

/// The outcome of one run.
public struct RunSummary: Sendable {
    public var ran: [String] = []
    public var cached: [String] = []
    public var failed: [String: PipelineError] = [:]
    public var skipped: [String] = []
    public var published: [String] = []
}

/// Runs the stages of a pipeline in dependency order, up to `jobs` at once, each through the executor; stages whose
/// key is already in the store are not run again.
public final class RunScheduler: @unchecked Sendable {
    private let pipeline: Pipeline
    private let store: Store
    private let executor: any StageExecutor
    private let options: RunOptions
    private let display: ProgressDisplay
    private let gitCommit: () -> String
    private let condition = NSCondition()
    /// Stages whose process ended, waiting for the scheduling loop (guarded by `condition`).
    private var completions: [(ResolvedStage, KeyIngredients, Result<Manifest, PipelineError>)] = []

    public init(pipeline: Pipeline, store: Store, executor: any StageExecutor, options: RunOptions,
                display: ProgressDisplay, gitCommit: @escaping () -> String) {
        self.pipeline = pipeline
        self.store = store
        self.executor = executor
        self.options = options
        self.display = display
        self.gitCommit = gitCommit
    }

    /// The stages this run considers, and those it re-runs whatever the cache says.
    public static func selection(_ pipeline: Pipeline, _ options: RunOptions) throws -> (stages: Set<String>, forced: Set<String>) {
        let graph = StageGraph(pipeline)
        // A target is a stage, a family or a slice of one (StageSelection).
        let targets = try StageSelection.stages(options.targets, in: pipeline)
        let all = Set(pipeline.stages.map(\.name))
        var roots = options.targets.isEmpty ? all : Set(targets)
        if options.downstream { roots = graph.downstreamClosure(of: Array(roots)) }
        let stages = graph.upstreamClosure(of: Array(roots))
        let forced: Set<String> = options.force ? roots : []
        return (stages, forced)
    }

    public func run() throws -> RunSummary {
        let (selected, forced) = try Self.selection(pipeline, options)
        let order = StageGraph(pipeline).topologicalOrder.filter(selected.contains)
        let publisher = FigurePublisher(figuresDirectory: pipeline.figuresDirectory, store: store)
        var summary = RunSummary()
        var contentHashes: [String: String] = [:]
        var stageKeys: [String: String] = [:]
        var pending = order
        // Each stage's estimated time plus that of the longest chain of stages waiting on it.
        var estimates: [String: Double] = [:]
        for name in order.reversed() {
            let stage = pipeline.stage(name)!
            let downstream = order.filter { pipeline.stage($0)!.inputs.values.contains(name) }.compactMap { estimates[$0] }.max() ?? 0
            estimates[name] = stage.kind.estimatedSeconds(stage.parameters) + downstream
        }
        var running = 0
        // Keys being computed now. Two stages with one key (a sweep's cell that repeats a plain stage's parameters)
        // are computed once: the second waits for the first and is then a cache hit.
        var runningKeys: Set<String> = []
        var stopLaunching = false
        var commit: String?

        func finish(_ stage: ResolvedStage, _ ingredients: KeyIngredients, _ manifest: Manifest) throws {
            contentHashes[stage.name] = manifest.contentHash
            let record = StageRecord(stage: stage.name, key: manifest.key, ingredients: ingredients,
                                     contentHash: manifest.contentHash, finishedAt: manifest.finishedAt)
            if store.record(for: stage.name) != record { try store.writeRecord(record) }
            summary.published += try publisher.publish(stage, manifest: manifest)
        }

        // A plain stage's key is computed once, when its inputs are known (a grid of cells asks for every plain one).
        func hasPlainTwinReady(_ key: String, besides name: String) -> Bool {
            pending.contains { other in
                let twin = pipeline.stage(other)!
                guard other != name, twin.family == nil else { return false }
                if stageKeys[other] == nil, twin.inputs.values.allSatisfy({ contentHashes[$0] != nil }) {
                    stageKeys[other] = StagePlanner.ingredients(of: twin, inputHashes: contentHashes)?.key
                }
                return stageKeys[other] == key
            }
        }

        condition.lock()
        defer { condition.unlock() }
        while true {
            // Take in what finished.
            for (stage, ingredients, result) in completions {
                running -= 1
                runningKeys.remove(ingredients.key)
                switch result {
                case let .success(manifest):
                    do {
                        try finish(stage, ingredients, manifest)
                        summary.ran.append(stage.name)
                        display.finished(stage.name, String(format: "✔ %@: done in %@ (key %@)", stage.name,
                                                            ProgressDisplay.duration(manifest.wallSeconds),
                                                            String(manifest.key.prefix(12))))
                    } catch let error as PipelineError {
                        summary.failed[stage.name] = error
                        display.finished(stage.name, "✘ \(stage.name): \(error.message)")
                    }
                case let .failure(error):
                    summary.failed[stage.name] = error
                    let named = error.message.hasPrefix("stage \(stage.name) ") ? error.message : "\(stage.name): \(error.message)"
                    display.finished(stage.name, "✘ \(named)")
                    if !options.keepGoing { stopLaunching = true }
                }
            }
            completions.removeAll()

            // Drop stages that can no longer run, and the stages waiting on those (to a fixed point: a stage two steps
            // below a failure would otherwise wait for ever).
            var dropped = true
            while dropped {
                dropped = false
                let blocked = Set(summary.failed.keys).union(summary.skipped)
                for name in pending where pipeline.stage(name)!.inputs.values.contains(where: blocked.contains) || stopLaunching {
                    summary.skipped.append(name)
                    dropped = true
                }
                pending.removeAll { summary.skipped.contains($0) }
            }

            // Start whatever is ready, longest first, so the longest chain of work starts as early as possible.
            pending.sort { estimates[$0]! > estimates[$1]! || (estimates[$0]! == estimates[$1]! && order.firstIndex(of: $0)! < order.firstIndex(of: $1)!) }
            var progressed = true
            while progressed {
                progressed = false
                for name in pending {
                    let stage = pipeline.stage(name)!
                    guard stage.inputs.values.allSatisfy({ contentHashes[$0] != nil }) else { continue }
                    let ingredients = StagePlanner.ingredients(of: stage, inputHashes: contentHashes)!
                    let key = ingredients.key
                    stageKeys[name] = key
                    if !forced.contains(name) {
                        do {
                            switch store.condition(of: key) {
                            case .intact:
                                if let manifest = store.manifest(key) {
                                    pending.removeAll { $0 == name }
                                    try finish(stage, ingredients, manifest)
                                    summary.cached.append(name)
                                    progressed = true
                                    continue
                                }
                            case let .damaged(problem):
                                display.event("! \(name): cached entry \(key.prefix(12)) is damaged (\(problem)); recomputing")
                                try store.quarantine(key)
                            case .missing:
                                break
                            }
                        } catch {
                            // A cached stage that cannot be used (its figure cannot be published, say) fails alone.
                            pending.removeAll { $0 == name }
                            summary.failed[name] = (error as? PipelineError) ?? PipelineError("\(error)")
                            display.event("✘ \(name): \((error as? PipelineError)?.message ?? "\(error)")")
                            if !options.keepGoing { stopLaunching = true }
                            progressed = true
                            continue
                        }
                    }
                    guard !runningKeys.contains(key), running < max(1, options.jobs) else { continue }
                    // Of a plain stage and a cell with one key, the plain stage computes it and the cell waits: the
                    // files name the stage that wrote them, so the entry's bytes must not depend on the launch order.
                    if stage.family != nil, hasPlainTwinReady(key, besides: name) { continue }
                    pending.removeAll { $0 == name }
                    running += 1
                    runningKeys.insert(key)
                    progressed = true
                    if commit == nil { commit = gitCommit() }
                    var job = StageJob(stage: name, kind: stage.kind.name, version: stage.kind.version, key: key,
                                       keyText: ingredients.canonicalText, parameters: ingredients.parameters,
                                       inputs: stageInputs(stage, contentHashes: contentHashes, keys: stageKeys),
                                       storeRoot: store.root, icarVersion: icarVersion, gitCommit: commit!,
                                       replaceExisting: forced.contains(name))
                    job.projectDirectory = pipeline.baseDirectory
                    job.projectFiles = stage.projectFiles
                    display.started(name)
                    launch(stage, ingredients, job) { result in
                        self.condition.lock()
                        self.completions.append((stage, ingredients, result))
                        self.condition.signal()
                        self.condition.unlock()
                    }
                }
            }
            if pending.isEmpty && running == 0 && completions.isEmpty { break }
            if completions.isEmpty { condition.wait() }
        }
        return summary
    }

    private func stageInputs(_ stage: ResolvedStage, contentHashes: [String: String],
                             keys: [String: String]) -> [String: StageInputLocation] {
        var inputs: [String: StageInputLocation] = [:]
        for (slot, source) in stage.inputs {
            let key = keys[source]!
            var location = StageInputLocation(stage: source, key: key, contentHash: contentHashes[source]!,
                                              directory: store.entryDirectory(key))
            // A family slot's inputs carry their cells, so the stage can read the coordinates.
            if slot.hasSuffix("]"), let family = pipeline.stage(source)?.family {
                let cells = pipeline.cells(of: family)
                location.cell = cells.first { $0.name == source }?.cell
                location.cellIndex = cells.firstIndex { $0.name == source }
            }
            inputs[slot] = location
        }
        return inputs
    }

    private func launch(_ stage: ResolvedStage, _ ingredients: KeyIngredients, _ job: StageJob,
                        completion: @escaping @Sendable (Result<Manifest, PipelineError>) -> Void) {
        let executor = self.executor
        let display = self.display
        let jobFile = store.temporaryDirectory + "/job-\(stage.name).json"
        let logFile = store.logsDirectory + "/\(stage.name).log"
        let thread = Thread {
            let result = executor.execute(job, jobFile: jobFile, logFile: logFile) { update in
                display.update(stage.name, update)
            }
            completion(result)
        }
        thread.stackSize = 1 << 20
        thread.start()
    }
}
