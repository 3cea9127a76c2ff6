//! Rich values: tables and charts, and their renderings (text/plain, text/html, image/svg+xml).
//! (Placeholder: the data types services build; the renderers come with the kernel.)

use rhai::Engine;
use serde::{Deserialize, Serialize};

use crate::script::Shared;

/// A time-series or x/y chart. Services build these (e.g. an EBS simulation's timeline);
/// the kernel renders them as SVG.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Chart {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    /// Label of the secondary (right) y axis, used by series with `right_axis`.
    pub y2_label: Option<String>,
    pub series: Vec<Series>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
    /// Draw as steps (values hold until the next point) instead of straight segments.
    pub step: bool,
    /// Plot against the secondary y axis.
    pub right_axis: bool,
}

pub fn register(_engine: &mut Engine, _shared: &Shared) {}
