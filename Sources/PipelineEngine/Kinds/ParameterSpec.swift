/// The declared type of one stage parameter; `pipeline.json` values are checked against it before anything runs.
public enum ParameterType: Equatable, Sendable, CustomStringConvertible {
    case integer
    case number
    case string
    /// Text shown to a reader (a title, a label): no control characters and no backticks, so it can be handed to
    /// gnuplot or HTML as data and never reads as a command or a substitution.
    case text
    /// A plain file name: ASCII letters, digits, '.', '_' and '-', starting with a letter or digit (no '/', no
    /// '..', nothing a shell or gnuplot would read); figure names and the names of input files.
    case fileName
    case boolean
    case integerList
    case numberList
    case stringList
    case fileNameList

    public var description: String {
        switch self {
        case .integer: return "an integer"
        case .number: return "a number"
        case .string: return "a string"
        case .text: return "a text (no control characters, no backticks)"
        case .fileName: return "a file name (letters, digits, '.', '_', '-'; starting with a letter or digit)"
        case .boolean: return "a boolean"
        case .integerList: return "a list of integers"
        case .numberList: return "a list of numbers"
        case .stringList: return "a list of strings"
        case .fileNameList: return "a list of file names (letters, digits, '.', '_', '-'; each starting with a letter or digit)"
        }
    }
}

/// One parameter a stage kind accepts: its type, default (nil = required) and a line of help.
public struct ParameterSpec: Sendable {
    public let name: String
    public let type: ParameterType
    public let defaultValue: JSONValue?
    public let help: String
    /// For strings: the accepted values (empty = any).
    public let choices: [String]
    /// For integers and numbers: the smallest accepted value.
    public let minimum: Double?
    /// For strings: a grammar the value must satisfy, returning what is wrong with it (nil = acceptable).
    public let check: (@Sendable (String) -> String?)?

    public init(_ name: String, _ type: ParameterType, default defaultValue: JSONValue? = nil, help: String,
                choices: [String] = [], minimum: Double? = nil, check: (@Sendable (String) -> String?)? = nil) {
        self.check = check
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.help = help
        self.choices = choices
        self.minimum = minimum
    }

    /// The value in its canonical form (numbers as numbers), or a message saying what is wrong with it.
    func normalise(_ value: JSONValue) -> Result<JSONValue, ParameterProblem> {
        switch (type, value) {
        case (.integer, .integer(let v)):
            if let minimum, Double(v) < minimum { return .failure(ParameterProblem("must be at least \(Int(minimum)), got \(v)")) }
            return .success(value)
        case (.number, .integer(let v)):
            return normalise(.number(Double(v)))
        case (.number, .number(let v)):
            if let minimum, v < minimum { return .failure(ParameterProblem("must be at least \(minimum), got \(v)")) }
            return .success(value)
        case (.string, .string(let s)):
            if !choices.isEmpty, !choices.contains(s) {
                return .failure(ParameterProblem("must be one of \(choices.map { "\"\($0)\"" }.joined(separator: ", ")), got \"\(s)\""))
            }
            if let problem = check?(s) { return .failure(ParameterProblem(problem)) }
            return .success(value)
        case (.text, .string(let s)):
            if let problem = TextGrammar.problem(s) { return .failure(ParameterProblem(problem)) }
            return .success(value)
        case (.fileName, .string(let s)):
            if let problem = FileNameGrammar.problem(s) { return .failure(ParameterProblem(problem)) }
            return .success(value)
        case (.fileNameList, .array(let elements)):
            for element in elements {
                guard case let .string(s) = element else {
                    return .failure(ParameterProblem("must be \(type), got an array containing \(element.typeName)"))
                }
                if let problem = FileNameGrammar.problem(s) { return .failure(ParameterProblem(problem)) }
            }
            return .success(value)
        case (.boolean, .bool): return .success(value)
        case (.integerList, .array(let elements)):
            guard elements.allSatisfy({ if case .integer = $0 { return true } else { return false } }) else {
                return .failure(ParameterProblem("must be \(type), got \(value.typeName) with other elements"))
            }
            return .success(value)
        case (.numberList, .array(let elements)):
            var numbers: [JSONValue] = []
            for element in elements {
                switch element {
                case let .integer(v): numbers.append(.number(Double(v)))
                case .number: numbers.append(element)
                default: return .failure(ParameterProblem("must be \(type), got an array containing \(element.typeName)"))
                }
            }
            return .success(.array(numbers))
        case (.stringList, .array(let elements)):
            guard elements.allSatisfy({ if case .string = $0 { return true } else { return false } }) else {
                return .failure(ParameterProblem("must be \(type), got an array with other elements"))
            }
            return .success(value)
        default:
            return .failure(ParameterProblem("must be \(type), got \(value.typeName)"))
        }
    }
}

/// Why a value does not fit a parameter, in words.
struct ParameterProblem: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// A named input of a stage kind, bound in `pipeline.json` to another stage.
public struct InputSlot: Sendable {
    /// A slot of this name lets a kind accept inputs under any slot names (a report that gathers many stages).
    public static let anyName = "*"

    public let name: String
    public let help: String
    public let optional: Bool
    /// The slot takes a whole family (`"SLOT": "BASE[*]"` in pipeline.json): one input per cell, named
    /// `SLOT[k=v,…]`, listed with their cells by `StageContext.familyInputs(SLOT)`.
    public let family: Bool

    public init(_ name: String, help: String, optional: Bool = false, family: Bool = false) {
        self.name = name
        self.help = help
        self.optional = optional
        self.family = family
    }
}
