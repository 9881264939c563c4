/// What ImplementationVersions.json holds for a kind.
struct RecordedVersion: Codable, Equatable {
    var version: Int
    /// The closure's targets, for the reader (derived, not an input).
    var targets: [String]
    var sha256: String
    /// Stage of the offline quick profile → what it was given and what it wrote, under this version.
    var fingerprint: [String: StageFingerprint]
}

/// Whether a kind whose source closure changed may keep its version: only when some stage of it, given exactly
/// the recorded inputs, wrote exactly the recorded bytes, and none wrote other bytes.
enum EarlyCutoff {
    enum Verdict: Equatable {
        case record(RecordedVersion, note: String)
        case bump(String)
    }

    static func verdict(kind: String, recorded: RecordedVersion?, measured: RecordedVersion) -> Verdict {
        guard let old = recorded else {
            return .record(measured, note: "new, version \(measured.version) recorded (\(measured.fingerprint.count) stage fingerprint(s))")
        }
        if old.version != measured.version {
            return .record(measured, note: "version \(old.version) → \(measured.version) recorded (\(measured.fingerprint.count) stage fingerprint(s))")
        }
        if old.sha256 == measured.sha256 { return .record(measured, note: "unchanged") }
        let comparable = measured.fingerprint.filter { old.fingerprint[$0.key]?.inputs == $0.value.inputs }
        let differing = comparable.filter { old.fingerprint[$0.key]?.outputs != $0.value.outputs }.keys.sorted()
        if !differing.isEmpty {
            return .bump("its sources changed and so did its bytes (stage \(differing.joined(separator: ", ")) wrote other "
                + "outputs from the same inputs): bump `version` in its StageKind, then run make versions")
        }
        if comparable.isEmpty {
            return .bump("its sources changed and no stage of it ran on the quick profile with its recorded inputs (none "
                + "in the offline pipeline, its inputs' bytes changed, or this machine's toolchain differs from the "
                + "recording one), so nothing shows its bytes are unchanged: bump its version")
        }
        return .record(measured, note: "sources changed, same bytes on \(comparable.count) stage(s): recorded without a bump")
    }
}
