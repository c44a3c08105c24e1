//! Where a tensor lives: the PyTorch-style device choice.

use std::fmt;

/// A device, as in PyTorch's `torch.device`: the host, or CUDA device `k`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Device {
    /// Host memory: the CPU engine's `autodiff::Tensor`.
    Cpu,
    /// CUDA device with the given ordinal (`cuda:0` is `Device::Cuda(0)`).
    Cuda(usize),
}

impl fmt::Display for Device {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Device::Cpu => write!(f, "cpu"),
            Device::Cuda(k) => write!(f, "cuda:{k}"),
        }
    }
}

impl std::str::FromStr for Device {
    type Err = String;

    /// Parses `cpu`, `cuda` (device 0) or `cuda:K`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "cpu" => Ok(Device::Cpu),
            "cuda" => Ok(Device::Cuda(0)),
            _ => s
                .strip_prefix("cuda:")
                .and_then(|k| k.parse().ok())
                .map(Device::Cuda)
                .ok_or_else(|| format!("unknown device {s:?}: expected cpu, cuda or cuda:K")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_names_round_trip() {
        for d in [Device::Cpu, Device::Cuda(0), Device::Cuda(3)] {
            assert_eq!(d.to_string().parse::<Device>().unwrap(), d);
        }
        assert_eq!("cuda".parse::<Device>().unwrap(), Device::Cuda(0));
        assert!("gpu"
            .parse::<Device>()
            .unwrap_err()
            .contains("unknown device"));
        assert!("cuda:x".parse::<Device>().is_err());
    }
}
