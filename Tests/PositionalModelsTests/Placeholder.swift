import Testing
@testable import PositionalModels
