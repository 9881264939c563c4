import Foundation

/// figures/numbers.tex: one macro per number of every theory table, named after the table and the row
/// (\icarFigThreeUnitaryB is row B, the second, of fig3-unitary-theory), with the claim as a comment.
struct NumbersTeX {
    let sections: [ReportSection]

    var text: String {
        var lines = ["% Written by icar: every number of every theory table. \\input{numbers} in a paper."]
        for theory in sections.compactMap(\.theory) {
            let prefix = "icar" + Self.camelCase(theory.name)
            lines.append("% \(theory.title)")
            for (index, row) in theory.rows.enumerated() {
                guard let value = row.measured.number, value.isFinite else { continue }
                lines.append("\\newcommand{\\\(prefix)\(Self.letters(index))}{\(Self.tex(value))} % \(row.claim.replacingOccurrences(of: "%", with: "\\%"))")
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

    /// fig3-unitary → FigThreeUnitary.
    static func camelCase(_ name: String) -> String {
        let digits = ["Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine"]
        var result = ""
        var capitalise = true
        for character in name {
            if let digit = character.wholeNumberValue {
                result += digits[digit]
                capitalise = true
            } else if character.isLetter {
                result += capitalise ? character.uppercased() : String(character)
                capitalise = false
            } else {
                capitalise = true
            }
        }
        return result
    }

    static func tex(_ value: Double) -> String {
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude >= 1e-3 && magnitude < 1e5 { return String(format: "%.4g", value) }
        let exponent = Int(floor(log10(magnitude)))
        let mantissa = value / pow(10, Double(exponent))
        return String(format: "\\ensuremath{%.3f\\times 10^{%d}}", mantissa, exponent)
    }
}
