import LeptonRender

// The dashboard's key commands expressed on `DashboardState`'s interface flags.
extension DashboardState {
  mutating func markStopping() {
    stopRequested = true
  }

  mutating func setPaused(_ paused: Bool) {
    self.paused = paused
  }

  mutating func toggleHelp() {
    helpVisible.toggle()
  }

  mutating func focusNext() {
    focusNextPanel()
  }

  mutating func focusPrevious() {
    focusPreviousPanel()
  }

  mutating func toggleNormalization() {
    matrixNormalized.toggle()
  }

  mutating func toggleSmoothing() {
    smoothingEnabled.toggle()
  }

  mutating func togglePerClass() {
    perClassVisible.toggle()
  }
}
