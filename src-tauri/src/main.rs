fn main() {
    control_tower_lib::run()
}
