import Foundation
import HDF5
import Testing
@testable import InContextStages
@testable import PipelineEngine
@testable import StageSupport

/// The HDF5 files of the one kind the offline quick profile cannot run (Figure 4's token check, which needs a
/// PyPI download; HDF5ReadabilityTests covers the others): each dataset labelled as declared, of the declared shape.
@Suite struct DeclaredShapeTests {
    @Test func tokenAutoregressionWritesItsDeclaredDatasetsInTheirDeclaredShapes() throws {
        let harness = try StageHarness()
        let output = try TokenAutoregressionStageTests().runCheck(harness, sequences: 5)
        let kind = TokenAutoregressionKind()
        let problems = try Self.problems(kind.datasets, in: output, parameters: ["sequences": 5])
        #expect(problems.isEmpty, "\(problems)")
    }

    /// What is wrong with the files of `directory` against `declared`: a dataset not declared, a description or
    /// axes attribute that differs, another rank, or an axis length other than its declaration evaluates to (from
    /// integer literals, `parameters` and the file's integer root attributes, or else the same within a group); a
    /// declaration never written.
    static func problems(_ declared: [DatasetDeclaration], in directory: String, parameters: [String: Int]) throws -> [String] {
        var problems: [String] = []
        var written = Set<String>()
        for fileName in Set(declared.map(\.file)).sorted() {
            let file = try HDF5File.open(directory + "/" + fileName)
            func value(_ symbol: String) -> Int? {
                if let literal = Int(symbol) { return literal }
                return parameters[symbol] ?? (try? file.intAttribute(symbol))
            }
            func evaluate(_ length: String) -> Int? {
                var total = 0
                for term in length.split(separator: "+") {
                    var product = 1
                    for factor in term.split(separator: "*") {
                        guard let v = value(factor.trimmingCharacters(in: .whitespaces)) else { return nil }
                        product *= v
                    }
                    total += product
                }
                return total
            }
            var symbols: [String: Int] = [:]
            for name in file.datasetNames() {
                let place = "\(fileName) \(name)"
                let matches = declared.filter { $0.file == fileName && $0.matches(name) }
                guard matches.count == 1, let declaration = matches.first else {
                    problems.append("\(place): \(matches.count) declarations match"); continue
                }
                written.insert(declaration.file + " " + declaration.name)
                if try file.stringAttribute("description", on: name) != declaration.description { problems.append("\(place): description") }
                if try file.stringAttribute("axes", on: name) != declaration.axes.map(\.name).joined(separator: ", ") {
                    problems.append("\(place): axes")
                }
                let shape = try file.shape(of: name)
                guard shape.count == declaration.axes.count else { problems.append("\(place): shape \(shape)"); continue }
                for (length, axis) in zip(shape, declaration.axes) {
                    // A length naming nothing known must at least be the same across the datasets of one group.
                    let group = String(name.split(separator: "/").dropLast().joined(separator: "/"))
                    let expected = evaluate(axis.length) ?? symbols[group + " " + axis.length, default: length]
                    symbols[group + " " + axis.length] = expected
                    if expected != length { problems.append("\(place): \(axis.name) is \(length), declared \(axis.length) = \(expected)") }
                }
            }
        }
        for declaration in declared where !written.contains(declaration.file + " " + declaration.name) {
            problems.append("\(declaration.file) \(declaration.name): declared, never written")
        }
        return problems
    }
}
