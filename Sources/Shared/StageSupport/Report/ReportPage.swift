import Foundation
import PipelineEngine

/// The HTML of figures/index.html: self-contained (PNGs as data URIs, styles inline), well-formed XHTML so that an
/// XML parser can check it, readable from 390 px up, and linking only to the files published beside it.
struct ReportPage {
    let title: String
    let profile: String
    let outlines: [ReportOutline]
    let sections: [ReportSection]
    let reportKey: String

    /// One figure of a paper as shown: the outline's words, the plot stage's images, the verify stage's table.
    struct FigureBlock {
        let name: String
        let outline: ReportOutline.Figure?
        var plots: [ReportSection] = []
        var theories: [ReportSection] = []
        var sections: [ReportSection] { plots + theories }
    }

    /// The papers in outline order, each with its figures in the paper's order; inputs no outline names come last.
    var papers: [(outline: ReportOutline?, figures: [FigureBlock])] {
        var claimed = Set<String>()
        var result: [(ReportOutline?, [FigureBlock])] = []
        for outline in outlines {
            var blocks: [FigureBlock] = []
            for figure in outline.figures {
                var block = FigureBlock(name: figure.name, outline: figure)
                for section in sections {
                    if section.figures.contains(where: { $0.name == figure.name }) { block.plots.append(section) }
                    if section.theory?.name == figure.name { block.theories.append(section) }
                }
                if !block.sections.isEmpty { blocks.append(block) }
                claimed.formUnion(block.sections.map(\.manifest.key))
            }
            if !blocks.isEmpty { result.append((outline, blocks)) }
        }
        let rest = sections.filter { !claimed.contains($0.manifest.key) }
        if !rest.isEmpty {
            result.append((nil, rest.map { section in
                FigureBlock(name: section.manifest.stage, outline: nil, plots: section.figures.isEmpty ? [] : [section],
                            theories: section.theory == nil ? [] : [section])
            }))
        }
        return result
    }

    var html: String {
        let papers = self.papers
        let commit = sections.first?.manifest.gitCommit ?? "unknown"
        var entries: [String: Manifest] = [:]
        for section in sections { for manifest in section.chain { entries[manifest.key] = manifest } }
        let pipelineSeconds = entries.values.reduce(0) { $0 + $1.wallSeconds }
        var body = ""
        if profile != "paper" {
            body += "<p class=\"banner\" role=\"alert\"><strong>Profile “\(escape(profile))”, not “paper”.</strong> "
            body += "These results come from smaller settings than the paper's; their numbers are not the paper's. "
            body += "Run <code>make</code> (profile paper) for the figures of record.</p>\n"
        }
        body += staleStoreBanner
        body += "<div class=\"scroll\"><table class=\"overview\">\n<caption>What this page holds</caption>\n"
        body += "<tr><th scope=\"row\">profile</th><td>\(escape(profile))</td></tr>\n"
        body += "<tr><th scope=\"row\">commit</th><td><code>\(escape(commit))</code>, icar \(escape(icarVersion))</td></tr>\n"
        body += "<tr><th scope=\"row\">run time</th><td>\(String(format: "%.0f", pipelineSeconds)) s of stage wall time over \(entries.count) stage results</td></tr>\n"
        for (outline, figures) in papers {
            let rows = figures.flatMap(\.theories).compactMap(\.theory).flatMap(\.rows)
            let checked = rows.filter(\.isChecked)
            let failed = checked.filter { !$0.passed }.count
            let verdict = "\(checked.count - failed) of \(checked.count) checked claims hold" + (rows.count > checked.count ? "; \(rows.count - checked.count) reported" : "")
            let label = outline?.title ?? "other results"
            body += "<tr><th scope=\"row\"><a href=\"#\(anchor(outline))\">\(escape(label))</a></th><td class=\"\(failed == 0 ? "pass" : "fail")\">\(escape(verdict))</td></tr>\n"
        }
        body += "<tr><th scope=\"row\">report key</th><td><code>\(reportKey.prefix(16))</code></td></tr>\n</table></div>\n"
        for (outline, figures) in papers {
            body += "<section id=\"\(anchor(outline))\">\n<h2>\(escape(outline?.title ?? "Other results"))</h2>\n"
            if let outline { body += "<p class=\"citation\">\(escape(outline.citation))</p>\n" }
            body += "<ul class=\"toc\">\n" + figures.map { "<li><a href=\"#figure-\(escape($0.name))\">\(escape($0.outline?.title ?? $0.name))</a></li>" }.joined(separator: "\n") + "\n</ul>\n"
            for figure in figures { body += render(figure) }
            body += "</section>\n"
        }
        return """
        <!DOCTYPE html>
        <html xmlns="http://www.w3.org/1999/xhtml" lang="en">
        <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>\(escape(title))</title>
        <style>
        body { font-family: Helvetica, Arial, sans-serif; max-width: 1100px; margin: 0 auto; padding: 1em 1rem 3em; color: #222; line-height: 1.45; }
        h1 { font-size: 1.6em; } h2 { border-top: 2px solid #bbb; padding-top: 1em; margin-top: 2em; } h3 { margin-top: 2em; }
        img { max-width: 100%; height: auto; border: 1px solid #eee; }
        figure { margin: 0.5em 0; } figcaption { font-size: 0.95em; margin-top: 0.3em; }
        .scroll { overflow-x: auto; max-width: 100%; }
        table { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0 1em; }
        caption { text-align: left; font-weight: bold; padding: 0.2em 0; }
        td, th { border: 1px solid #ccc; padding: 3px 6px; text-align: left; vertical-align: top; }
        th[scope="row"] { font-weight: normal; background: #f6f6f6; }
        .pass { color: #1a7f37; } .fail { color: #b71c1c; font-weight: bold; } .reported { color: #555; }
        .banner { background: #fff4d6; border: 1px solid #c98f00; padding: 0.6em 0.8em; }
        .citation { color: #444; font-style: italic; }
        code { font-size: 0.85em; overflow-wrap: anywhere; }
        details { margin: 0.5em 0 1.5em; } summary { cursor: pointer; color: #1a4f9c; } details.family { margin: 0.3em 0 0.8em 1em; }
        </style>
        </head>
        <body>
        <h1>\(escape(title))</h1>
        <p>Generated by icar from stored stage results. Each figure's provenance (folded under it) names the parameters, inputs and code of its whole upstream chain.</p>
        \(body)
        </body>
        </html>

        """
    }

    /// A banner, hidden until figures/store-status.js (rewritten by every `icar run`, see StoreStatusScript) says
    /// that part of the store is stale or that this page is no longer the current report. Without the script (the
    /// page copied elsewhere) nothing shows.
    private var staleStoreBanner: String {
        """
        <p id="icar-stale" class="banner" role="alert" hidden="hidden"></p>
        <script src="\(StoreStatusScript.fileName)"></script>
        <script>
        //<![CDATA[
        (function () {
          var status = window.icarStoreStatus, banner = document.getElementById('icar-stale');
          if (!status || !banner) { return; }
          var mine = '\(reportKey)', current = false, parts = [];
          for (var name in status.keys) { if (status.keys[name] === mine) { current = true; } }
          if (status.stale.length > 0) {
            var shown = status.stale.slice(0, 8).join(', ') + (status.stale.length > 8 ? ' and ' + (status.stale.length - 8) + ' more' : '');
            parts.push('Part of the store is stale: ' + status.stale.length + ' of ' + status.stages + ' stages (profile ' + status.profile + ') were not up to date when icar run last ended (' + status.written + '): ' + shown + '.');
          }
          if (!current && status.stale.length === 0) { parts.push('This page is not the report of the store as the last run (profile ' + status.profile + ', ' + status.written + ') left it.'); }
          if (parts.length === 0) { return; }
          banner.textContent = parts.join(' ') + ' Its figures may be older than pipeline.json; icar run (or make) brings them up to date.';
          banner.hidden = false;
        })();
        //]]>
        </script>

        """
    }

    private func anchor(_ outline: ReportOutline?) -> String { "paper-" + (outline?.id ?? "other") }

    private func render(_ figure: FigureBlock) -> String {
        var html = "<h3 id=\"figure-\(escape(figure.name))\">\(escape(figure.outline?.title ?? figure.name))</h3>\n"
        for section in figure.plots {
            for image in section.figures {
                html += "<figure>\n<img alt=\"\(escape(figure.outline?.alt ?? "figure " + image.name))\" src=\"data:image/png;base64,\(image.png.base64EncodedString())\" />\n"
                if let caption = figure.outline?.caption { html += "<figcaption>\(escape(caption))</figcaption>\n" }
                html += "</figure>\n"
                html += "<p>Files: <a href=\"\(escape(image.name)).pdf\">\(escape(image.name)).pdf</a> · <a href=\"\(escape(image.name)).png\">\(escape(image.name)).png</a> · gnuplot script <a href=\"\(escape(image.name)).gp\">\(escape(image.name)).gp</a></p>\n"
            }
        }
        for section in figure.theories {
            guard let theory = section.theory else { continue }
            let checked = theory.rows.filter(\.isChecked)
            let summary = TheoryTable.summary(checked: checked.count, failed: checked.filter { !$0.passed }.count,
                                              reported: theory.rows.count - checked.count)
            html += "<div class=\"scroll\"><table class=\"theory\">\n<caption>\(escape(theory.title)) — \(escape(summary))</caption>\n"
            html += "<tr><th scope=\"col\">claim</th><th scope=\"col\">paper</th><th scope=\"col\">regenerated</th><th scope=\"col\">tolerance</th><th scope=\"col\">result</th><th scope=\"col\">note</th></tr>\n"
            for row in theory.rows {
                let measured: String
                switch row.measured {
                case let .number(value): measured = TheoryRow.format(value)
                case let .text(text): measured = text
                }
                let result = !row.isChecked ? "<td class=\"reported\">reported</td>"
                    : (row.passed ? "<td class=\"pass\">pass</td>" : "<td class=\"fail\">FAIL</td>")
                let paper = row.paper.flatMap { $0.isEmpty ? nil : $0 } ?? "—"
                html += "<tr><th scope=\"row\">\(escape(row.claim))</th><td>\(escape(paper))</td><td>\(escape(measured))</td><td>\(escape(row.tolerance))</td>\(result)<td>\(escape(row.note))</td></tr>\n"
            }
            html += "</table></div>\n"
            for note in theory.notes { html += "<p>\(escape(note))</p>\n" }
        }
        for section in figure.sections { html += provenance(section) }
        return html
    }

    /// The stage and everything upstream of it, folded: what a referee needs to rerun it. The cells of a family
    /// (`NAME[k=v,…]`) are folded once more under one line with their count, like `icar status` shows them.
    private func provenance(_ section: ReportSection) -> String {
        let groups = Self.familyGroups(section.chain)
        let families = groups.filter { $0.cells.count > 1 }
        let familyNote = families.isEmpty ? "" : "; families " + families.map { "\($0.name)[*] (\($0.cells.count) cells)" }.joined(separator: ", ")
        var html = "<details>\n<summary>Provenance of \(escape(section.manifest.stage)) (\(section.chain.count) stage\(section.chain.count == 1 ? "" : "s") upstream and itself\(escape(familyNote)))</summary>\n"
        for group in groups {
            if group.cells.count == 1 {
                html += provenanceTable(group.cells[0])
                continue
            }
            html += "<details class=\"family\">\n<summary>\(escape(group.name))[*]: \(group.cells.count) cells — \(escape(group.cells.map { StageCell.parts(of: $0.stage)?.cell ?? $0.stage }.joined(separator: "; ")))</summary>\n"
            for manifest in group.cells { html += provenanceTable(manifest) }
            html += "</details>\n"
        }
        return html + "</details>\n"
    }

    /// The chain with each family's cells gathered at the place of its first cell; a plain stage is a group of one.
    static func familyGroups(_ chain: [Manifest]) -> [(name: String, cells: [Manifest])] {
        var groups: [(name: String, cells: [Manifest])] = []
        var index: [String: Int] = [:]
        for manifest in chain {
            guard let family = StageCell.parts(of: manifest.stage)?.family else {
                groups.append((manifest.stage, [manifest]))
                continue
            }
            if let at = index[family] { groups[at].cells.append(manifest) } else {
                index[family] = groups.count
                groups.append((family, [manifest]))
            }
        }
        return groups
    }

    private func provenanceTable(_ manifest: Manifest) -> String {
        var html = "<div class=\"scroll\"><table class=\"provenance\">\n<caption>\(escape(manifest.stage)) — \(escape(manifest.kind)) v\(manifest.version)</caption>\n"
        let cells: [(String, String)] = [
            ("key", manifest.key),
            ("parameters", manifest.parameters),
        ] + manifest.inputs.sorted { $0.key < $1.key }.map { ("input \($0.key)", "\($0.value.stage): key \($0.value.key.prefix(16)), content \($0.value.contentHash.prefix(16))") } + [
            ("outputs", manifest.outputs.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.sha256.prefix(12))" }.joined(separator: ", ")),
            ("code", "icar \(manifest.icarVersion), commit \(manifest.gitCommit)"),
            ("run", String(format: "%@ on %@, %.2f s wall, %.2f s CPU", manifest.finishedAt, manifest.host, manifest.wallSeconds, manifest.cpuSeconds)),
        ]
        for (label, value) in cells { html += "<tr><th scope=\"row\">\(escape(label))</th><td><code>\(escape(value))</code></td></tr>\n" }
        return html + "</table></div>\n"
    }
}

func escape(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
}
