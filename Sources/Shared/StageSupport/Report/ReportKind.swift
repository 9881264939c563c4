import Foundation
import PipelineEngine

/// Stage kind `report` (the last stage): one self-contained page, figures/index.html, with one section per paper,
/// its figures in the paper's order (PNG inline, PDF linked), each figure's theory table with the paper's value
/// beside the regenerated one, and the provenance of its whole upstream chain; and figures/numbers.tex, a TeX macro
/// for every number of every theory table.
///
/// Its inputs are the plot and verify stages to show, under any slot names; the papers' outlines decide the order.
struct ReportKind: StageKind {
    let name = "report"
    let version = 18
    let summary = "index.html: a section per paper, figures in its order, paper vs regenerated values, provenance; numbers.tex"
    let parameters: [ParameterSpec] = [
        ParameterSpec("title", .text, help: "title of the page"),
        ParameterSpec("profile", .string, default: .string("paper"),
                      help: "the profile whose results these are, shown at the top; any profile other than \"paper\" gets a warning banner (set it in each profile's overrides)"),
    ]
    let inputs = [InputSlot(InputSlot.anyName, help: "plot and verify stages to include, under any slot names")]
    let outlines: [ReportOutline]

    init(outlines: [ReportOutline]) { self.outlines = outlines }

    func publishedFiles(_ parameters: StageParameters) -> [String] { ["index.html", "numbers.tex"] }

    func run(_ context: StageContext) throws {
        var sections: [ReportSection] = []
        for slot in context.inputs.keys.sorted() {
            sections.append(try ReportSection(directory: context.inputs[slot]!.directory))
        }
        let page = ReportPage(title: context.parameters.string("title"), profile: context.parameters.string("profile"),
                              outlines: outlines, sections: sections, reportKey: context.key)
        try Data(page.html.utf8).write(to: URL(fileURLWithPath: context.outputFile("index.html")))
        try Data(NumbersTeX(sections: sections, reportKey: context.key).text.utf8).write(to: URL(fileURLWithPath: context.outputFile("numbers.tex")))
    }
}

/// What one input stage contributes: its figure files, its theory table, and the manifests of its whole upstream
/// chain (itself first). Upstream manifests are read beside the input's entry: their keys are covered by its key.
struct ReportSection {
    let manifest: Manifest
    /// Base names of figures (NAME.png with NAME.pdf beside it).
    let figures: [(name: String, png: Data)]
    let theory: TheoryDocument?
    /// This entry and every entry upstream of it, each once, nearest first.
    let chain: [Manifest]

    struct TheoryDocument: Decodable {
        struct Row: Decodable {
            let claim: String
            let measured: MeasuredValue
            let tolerance: String
            let passed: Bool
            let note: String
            let paper: String?

            var isChecked: Bool { tolerance != TheoryRow.reportedTolerance }
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

    init(directory: String) throws {
        manifest = try Self.manifest(in: directory)
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
        let entries = URL(fileURLWithPath: directory).deletingLastPathComponent().path
        var chain = [manifest]
        var seen: Set<String> = [manifest.key]
        var index = 0
        while index < chain.count {
            for input in chain[index].inputs.values.sorted(by: { $0.stage < $1.stage }) where !seen.contains(input.key) {
                seen.insert(input.key)
                if let upstream = try? Self.manifest(in: entries + "/" + input.key) { chain.append(upstream) }
            }
            index += 1
        }
        self.chain = chain
    }

    static func manifest(in directory: String) throws -> Manifest {
        try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: URL(fileURLWithPath: directory + "/" + Manifest.fileName)))
    }
}
