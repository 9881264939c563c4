import Foundation

/// figures/numbers.tex: one macro per number of every theory table, named after the table and the row's claim
/// (\icarFigThreeUnitaryFinalPopulationLoss…), so that adding a row does not change what another macro means.
struct NumbersTeX {
    let sections: [ReportSection]
    let reportKey: String

    var text: String {
        let commit = sections.first?.manifest.gitCommit ?? "unknown"
        var lines = ["% Written by icar: every number of every theory table. \\input{numbers} in a paper.",
                     "% report key \(reportKey), commit \(commit)"]
        var used = Set<String>()
        for theory in sections.compactMap(\.theory) {
            let prefix = "icar" + Self.camelCase(theory.name)
            lines.append("% \(theory.title)")
            for row in theory.rows {
                var name = prefix + String(Self.camelCase(row.claim).prefix(48))
                var suffix = 0
                while used.contains(name + (suffix == 0 ? "" : Self.letters(suffix - 1))) { suffix += 1 }
                name += suffix == 0 ? "" : Self.letters(suffix - 1)
                used.insert(name)
                let value: String
                switch row.measured {
                case let .number(number): value = Self.tex(number)
                case let .text(text): value = text == "∞" ? "\\ensuremath{\\infty}" : (text == "−∞" ? "\\ensuremath{-\\infty}" : "\\text{\(text)}")
                }
                lines.append("\\newcommand{\\\(name)}{\(value)} % \(row.claim.replacingOccurrences(of: "%", with: "\\%"))")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// 0 → A, 25 → Z, 26 → AA: TeX macro names cannot hold digits.
    static func letters(_ index: Int) -> String {
        var index = index
        var result = ""
        repeat {
            result = String(UnicodeScalar(UInt8(65 + index % 26))) + result
            index = index / 26 - 1
        } while index >= 0
        return result
    }

    /// fig3-unitary → FigThreeUnitary; only ASCII letters survive (TeX macro names hold letters only).
    static func camelCase(_ name: String) -> String {
        let digits = ["Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine"]
        var result = ""
        var capitalise = true
        for character in name {
            if let digit = character.wholeNumberValue, character.isASCII {
                result += digits[digit]
                capitalise = true
            } else if character.isASCII && character.isLetter {
                result += capitalise ? character.uppercased() : String(character)
                capitalise = false
            } else {
                capitalise = true
            }
        }
        return result
    }

    static func tex(_ value: Double) -> String {
        if value.isNaN { return "\\text{NaN}" }
        if value.isInfinite { return value > 0 ? "\\ensuremath{\\infty}" : "\\ensuremath{-\\infty}" }
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if value == value.rounded() && magnitude < 1e15 && magnitude >= 1 { return String(format: "%.0f", value) }
        if magnitude >= 1e-3 && magnitude < 1e5 { return String(format: "%.4g", value) }
        let exponent = Int(floor(log10(magnitude)))
        let mantissa = value / pow(10, Double(exponent))
        return String(format: "\\ensuremath{%.3f\\times 10^{%d}}", mantissa, exponent)
    }
}
