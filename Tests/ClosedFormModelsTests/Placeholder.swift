import Testing
@testable import ClosedFormModels
