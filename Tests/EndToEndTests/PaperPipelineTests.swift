import Foundation
import Testing

/// The repository's own pipeline.json, run with the quick profile in a temporary directory.
@Suite(.serialized) struct PaperPipelineTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    @Test func quickProfileProducesEveryFigureAndReRunsOnlyWhatAParameterChangeTouches() throws {
        let text = try String(contentsOfFile: Self.repository + "/pipeline.json", encoding: .utf8)
        let bed = try Testbed(text)
        let first = try bed.icar("run", "--profile", "quick")
        #expect(first.status == 0, "\(first.error)")
        for figure in ["fig1", "fig3-unitary", "fig3-orthogonal", "fig6"] {
            let pdf = try Data(contentsOf: URL(fileURLWithPath: bed.directory + "/figures/\(figure).pdf"))
            #expect(pdf.prefix(5) == Data("%PDF-".utf8), "\(figure).pdf")
            #expect(FileManager.default.fileExists(atPath: bed.directory + "/figures/\(figure).png"), "\(figure).png")
        }
        for table in ["fig3-unitary", "fig3-orthogonal", "fig6"] {
            let theory = bed.read("figures/\(table)-theory.md") ?? ""
            #expect(theory.contains("rows pass.") && !theory.contains("FAIL"), "\(table): \(theory)")
        }
        let second = try bed.icar("run", "--profile", "quick")
        #expect(second.error.contains(" 0 run,"), "\(second.error)")

        // Changing the learning rate of one training stage re-runs it and exactly what depends on it.
        var document = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
        var stages = document["stages"] as! [String: Any]
        var stage = stages["fig3-unitary-train"] as! [String: Any]
        var params = stage["params"] as! [String: Any]
        params["learning_rate"] = 0.011
        stage["params"] = params
        stages["fig3-unitary-train"] = stage
        document["stages"] = stages
        try bed.write(String(decoding: try JSONSerialization.data(withJSONObject: document), as: UTF8.self))
        let dry = try bed.icar("run", "--profile", "quick", "--dry-run")
        let wouldRun = dry.output.split(separator: "\n").filter { $0.hasPrefix("would run") }.map { String($0.split(separator: " ")[2].dropLast()) }
        #expect(Set(wouldRun) == ["fig3-unitary-train", "fig3-unitary-weights", "fig3-unitary-verify", "fig3-unitary-plot"], "\(dry.output)")
        let third = try bed.icar("run", "--profile", "quick")
        #expect(third.error.contains(" 4 run,"), "\(third.error)")
        #expect(try bed.icar("audit", "--profile", "quick").status == 0)
    }
}
