import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// The repository's own pipeline.json, run with the quick profile in a temporary directory.
@Suite(.serialized) struct PaperPipelineTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// The repository's pipeline without the stages that download from PyPI (Figure 4) and what depends on them:
    /// tests run offline. The Figure 4 stages have their own offline tests in StageTests.
    static func offlinePipeline() throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: repository + "/pipeline.json"))
        var document = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        var stages = document["stages"] as! [String: [String: Any]]
        var removed = Set(stages.filter { $0.value["kind"] as? String == "fetch-python-package" }.keys)
        var changed = true
        while changed {
            changed = false
            for (name, stage) in stages where !removed.contains(name) && stage["kind"] as? String != "report" {
                let inputs = (stage["inputs"] as? [String: String]) ?? [:]
                if inputs.values.contains(where: removed.contains) { removed.insert(name); changed = true }
            }
        }
        for name in removed { stages[name] = nil }
        for (name, stage) in stages {
            guard var inputs = stage["inputs"] as? [String: String] else { continue }
            inputs = inputs.filter { !removed.contains($0.value) }
            stages[name]!["inputs"] = inputs
        }
        var profiles = document["profiles"] as! [String: [String: Any]]
        for (profile, overrides) in profiles { profiles[profile] = overrides.filter { !removed.contains($0.key) } }
        document["stages"] = stages
        document["profiles"] = profiles
        // Sorted keys: JSONSerialization would otherwise write objects in a random order, and a matrix's dimensions
        // (cell names, hence an aggregate's input slots and key) follow the order written.
        return String(decoding: try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys]), as: UTF8.self)
    }

    @Test func quickProfileProducesEveryFigureAndReRunsOnlyWhatAParameterChangeTouches() throws {
        let text = try Self.offlinePipeline()
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
            #expect(theory.contains(": all pass") && !theory.contains("FAIL"), "\(table): \(theory)")
        }
        try checkReport(in: bed.directory + "/figures")
        #expect((try storeStatus(bed.directory + "/figures")["stale"] as? [String]) == [])
        try checkReportInBrowser(figures: bed.directory + "/figures", repository: Self.repository)
        let second = try bed.icar("run", "--profile", "quick")
        #expect(second.error.contains(" 0 run,"), "\(second.error)")

        // Changing the learning rate of one training stage re-runs it and exactly what depends on it. (Through
        // --set: a rewrite of the file by JSONSerialization would also reorder matrix dimensions, renaming cells.)
        let change = "fig3-unitary-train.learning_rate=0.011"
        let dry = try bed.icar("run", "--profile", "quick", "--dry-run", "--set", change)
        let wouldRun = dry.output.split(separator: "\n").filter { $0.hasPrefix("would run") }.map { String($0.split(separator: " ")[2].dropLast()) }
        #expect(Set(wouldRun) == ["fig3-unitary-train", "fig3-unitary-weights", "fig3-unitary-verify", "fig3-unitary-plot", "report"], "\(dry.output)")
        // Run for the training alone, the change leaves the rest stale: figures/store-status.js says so and the
        // published page (an older report, still the store's entry) shows its stale-store banner.
        let partial = try bed.icar("run", "--profile", "quick", "--set", change, "fig3-unitary-train")
        #expect(partial.error.contains(" 1 run,"), "\(partial.error)")
        let status = try storeStatus(bed.directory + "/figures")
        #expect(Set(status["stale"] as? [String] ?? []) == ["fig3-unitary-weights", "fig3-unitary-verify", "fig3-unitary-plot", "report"], "\(status)")
        try checkReportInBrowser(figures: bed.directory + "/figures", repository: Self.repository, staleBanner: true, screenshotSuffix: "-stale")
        let third = try bed.icar("run", "--profile", "quick", "--set", change)
        #expect(third.error.contains(" 4 run,"), "\(third.error)")
        #expect((try storeStatus(bed.directory + "/figures")["stale"] as? [String]) == [])
        #expect(try bed.icar("audit", "--profile", "quick").status == 0)
    }
}

/// The document figures/store-status.js assigns to `window.icarStoreStatus`.
func storeStatus(_ figures: String) throws -> [String: Any] {
    let text = try String(contentsOfFile: figures + "/store-status.js", encoding: .utf8)
    let assignment = try #require(text.range(of: "window.icarStoreStatus = "), "\(text.prefix(200))")
    let json = text[assignment.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines).dropLast()
    return try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
}

/// figures/index.html is well-formed (XHTML, so an XML parser reads it), embeds its figures and links only to files
/// that exist; numbers.tex defines a macro per number.
func checkReport(in figures: String) throws {
    let data = try Data(contentsOf: URL(fileURLWithPath: figures + "/index.html"))
    final class Links: NSObject, XMLParserDelegate {
        var references: [String] = []
        var images = 0
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            if name == "img" { images += 1 }
            for key in ["href", "src"] {
                if let value = attributes[key], !value.hasPrefix("data:"), !value.hasPrefix("#") { references.append(value) }
            }
        }
    }
    let parser = XMLParser(data: data)
    let links = Links()
    parser.delegate = links
    #expect(parser.parse(), "index.html is not well-formed: \(String(describing: parser.parserError))")
    #expect(links.images >= 5, "\(links.images) images")
    for reference in links.references {
        #expect(!reference.contains("://"), "external reference \(reference)")
        #expect(FileManager.default.fileExists(atPath: figures + "/" + reference), "index.html links to missing \(reference)")
    }
    // A family in a figure's provenance is one folded line with its cell count, its cells inside.
    let html = String(decoding: data, as: UTF8.self)
    let cells = Set(html.components(separatedBy: "<caption>alpine-grid-train[").dropFirst().map { $0.prefix { $0 != "]" } })
    #expect(cells.count > 0 && html.contains("<summary>alpine-grid-train[*]: \(cells.count) cells — "), "the grid's provenance: \(cells)")
    let numbers = try String(contentsOfFile: figures + "/numbers.tex", encoding: .utf8)
    #expect(numbers.contains("\\newcommand{\\icarFigThreeUnitaryFinalPopulationLossZero}"), "\(numbers.prefix(400))")
    #expect(!numbers.contains("inf}") && !numbers.contains("nan}"), "\(numbers)")
}
