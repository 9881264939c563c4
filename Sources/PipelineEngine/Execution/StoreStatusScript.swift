import Foundation

/// figures/store-status.js: the state of every stage when the last `icar run` ended, as a script that a published
/// page loads from beside itself (a `<script src>` works from file://, where reading a JSON file does not).
///
/// A note on why a separate file: a report is a cached result keyed by its inputs, so its bytes cannot say what a
/// later run left stale (a changed parameter run for one stage only, say) without changing under an unchanged key.
/// This file is rewritten by every run and belongs to no entry; `icar audit` does not check it.
public enum StoreStatusScript {
    public static let fileName = "store-status.js"

    /// The script: `window.icarStoreStatus = {profile, written, stages, stale: [names], keys: {name: key}}`, where
    /// `keys` holds the key of every cached stage (a page finds out whether it is still the current result).
    public static func contents(_ statuses: [StageStatus], profile: String, writtenAt: Date) throws -> String {
        var keys: [String: String] = [:]
        for status in statuses where status.state == .cached { keys[status.stage] = status.key }
        let document: [String: Any] = [
            "profile": profile,
            "written": ISO8601DateFormatter().string(from: writtenAt),
            "stages": statuses.count,
            "stale": statuses.filter { $0.state == .stale }.map(\.stage),
            "keys": keys,
        ]
        let json = try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])
        return "// Written by `icar run` when it ends (the store's state then); index.html reads it. Not a result.\n"
            + "window.icarStoreStatus = " + String(decoding: json, as: UTF8.self) + ";\n"
    }

    /// Writes the script for `pipeline` as `store` holds it now, whole or not at all.
    public static func write(_ pipeline: Pipeline, store: Store, now: Date = Date()) throws {
        let statuses = StagePlanner(pipeline: pipeline, store: store).statuses()
        try FileManager.default.createDirectory(atPath: pipeline.figuresDirectory, withIntermediateDirectories: true)
        let text = try contents(statuses, profile: pipeline.profile, writtenAt: now)
        try AtomicFile.write(Data(text.utf8), to: pipeline.figuresDirectory + "/" + fileName)
    }
}
