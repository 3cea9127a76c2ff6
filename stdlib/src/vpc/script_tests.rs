//! Scenario tests of the `vpc::` script surface, run through a real engine.
