/// Turned on once, read by another task.
actor Switch {
    private(set) var isOn = false
    func turnOn() { isOn = true }
}
