import Testing

/// The early cutoff keeps a version only when the bytes are shown unchanged.
@Suite struct EarlyCutoffTests {
    let before = RecordedVersion(version: 2, targets: ["A"], sha256: "old", fingerprint: [
        "one": StageFingerprint(inputs: "in1", outputs: "out1"),
        "two": StageFingerprint(inputs: "in2", outputs: "out2"),
    ])

    func after(sha256: String = "new", version: Int = 2, _ fingerprint: [String: StageFingerprint]) -> RecordedVersion {
        RecordedVersion(version: version, targets: ["A"], sha256: sha256, fingerprint: fingerprint)
    }

    func isRecorded(_ verdict: EarlyCutoff.Verdict) -> Bool {
        if case .record = verdict { return true }
        return false
    }

    @Test func aRefactorWithTheSameBytesKeepsItsVersion() {
        let same = after(before.fingerprint)
        #expect(EarlyCutoff.verdict(kind: "k", recorded: before, measured: same)
            == .record(same, note: "sources changed, same bytes on 2 stage(s): recorded without a bump"))
    }

    @Test func otherBytesFromTheSameInputsNeedABumpNamingTheStage() {
        let changed = after(["one": StageFingerprint(inputs: "in1", outputs: "out1"), "two": StageFingerprint(inputs: "in2", outputs: "other")])
        guard case let .bump(reason) = EarlyCutoff.verdict(kind: "k", recorded: before, measured: changed) else {
            Issue.record("a byte change was recorded without a bump")
            return
        }
        #expect(reason.contains("stage two wrote other outputs"), "\(reason)")
    }

    @Test func otherInputsEverywhereCannotShowAnythingAndNeedABump() {
        let moved = after(["one": StageFingerprint(inputs: "elsewhere", outputs: "out1")])
        #expect(!isRecorded(EarlyCutoff.verdict(kind: "k", recorded: before, measured: moved)))
        #expect(!isRecorded(EarlyCutoff.verdict(kind: "k", recorded: before, measured: after([:]))))
    }

    @Test func oneConclusiveStageIsEnoughWhenTheOthersMoved() {
        let partly = after(["one": StageFingerprint(inputs: "in1", outputs: "out1"), "two": StageFingerprint(inputs: "moved", outputs: "x")])
        #expect(isRecorded(EarlyCutoff.verdict(kind: "k", recorded: before, measured: partly)))
    }

    @Test func aBumpOrANewKindIsRecordedWhateverItsBytes() {
        let bumped = after(version: 3, ["one": StageFingerprint(inputs: "in1", outputs: "other")])
        #expect(isRecorded(EarlyCutoff.verdict(kind: "k", recorded: before, measured: bumped)))
        #expect(isRecorded(EarlyCutoff.verdict(kind: "k", recorded: nil, measured: bumped)))
    }
}
