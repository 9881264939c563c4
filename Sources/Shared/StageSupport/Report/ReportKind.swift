import Foundation
import PipelineEngine

/// Stage kind `report` (the last stage): one self-contained page, figures/index.html, with every figure (PNG
/// inline, PDF linked), its theory table and its provenance (stage keys, parameters, input hashes, icar version,
/// commit, wall time); and figures/numbers.tex, a TeX macro for every number of every theory table.
///
/// Its inputs are the plot and verify stages to show, under any slot names; sections follow the slot names' order.
struct ReportKind: StageKind {
    let name = "report"
    let version = 2
    let summary = "index.html with every figure, theory table and provenance; numbers.tex with every quoted number"
    let parameters: [ParameterSpec] = [
        ParameterSpec("title", .string, help: "title of the page"),
    ]
    let inputs = [InputSlot(InputSlot.anyName, help: "plot and verify stages to include, under any slot names")]

    func publishedFiles(_ parameters: StageParameters) -> [String] { ["index.html", "numbers.tex"] }

    func run(_ context: StageContext) throws {
        var sections: [ReportSection] = []
        for slot in context.inputs.keys.sorted() {
            let input = context.inputs[slot]!
            let manifestData = try Data(contentsOf: URL(fileURLWithPath: input.directory + "/" + Manifest.fileName))
            let manifest = try JSONDecoder().decode(Manifest.self, from: manifestData)
            sections.append(try ReportSection(directory: input.directory, manifest: manifest))
        }
        let page = ReportPage(title: context.parameters.string("title"), sections: sections, reportKey: context.key)
        try Data(page.html.utf8).write(to: URL(fileURLWithPath: context.outputFile("index.html")))
        try Data(NumbersTeX(sections: sections, reportKey: context.key).text.utf8).write(to: URL(fileURLWithPath: context.outputFile("numbers.tex")))
    }
}

/// What one input stage contributes: its figure files, its theory table, its manifest.
struct ReportSection {
    let manifest: Manifest
    /// Base names of figures (NAME.png with NAME.pdf beside it).
    let figures: [(name: String, png: Data)]
    let theory: TheoryDocument?

    struct TheoryDocument: Decodable {
        struct Row: Decodable {
            let claim: String
            let measured: MeasuredValue
            let tolerance: String
            let passed: Bool
            let note: String
        }
        let title: String
        let rows: [Row]
        let notes: [String]
        var name = ""

        enum CodingKeys: String, CodingKey { case title, rows, notes }
    }

    /// A measured value: a number, or a string for non-finite values ("inf", "nan").
    enum MeasuredValue: Decodable {
        case number(Double)
        case text(String)

        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Double.self) { self = .number(number) } else { self = .text(try container.decode(String.self)) }
        }

        var number: Double? { if case let .number(v) = self { return v } else { return nil } }
    }

    init(directory: String, manifest: Manifest) throws {
        self.manifest = manifest
        let files = manifest.outputs.keys.sorted()
        figures = try files.filter { $0.hasSuffix(".png") }.map { file in
            (String(file.dropLast(4)), try Data(contentsOf: URL(fileURLWithPath: directory + "/" + file)))
        }
        if let json = files.first(where: { $0.hasSuffix("-theory.json") }) {
            var document = try JSONDecoder().decode(TheoryDocument.self, from: Data(contentsOf: URL(fileURLWithPath: directory + "/" + json)))
            document.name = String(json.dropLast("-theory.json".count))
            theory = document
        } else {
            theory = nil
        }
    }
}
