"""ltv-optimizer: customer-lifetime-value action plans from notes or order exports."""

__version__ = "0.1.0"
