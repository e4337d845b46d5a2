/* Shared between the files of the PCI model (hv/pci/). */
#ifndef HV_PCI_INTERNAL_H
#define HV_PCI_INTERNAL_H
#include <hv/dev/pci.h>

/* Config space of one function as the CPU sees it (off < 4096). */
uint32_t pci_dev_config_read(struct hv_pci_dev *d, unsigned off, unsigned size);
void pci_dev_config_write(struct hv_pci_dev *d, unsigned off, unsigned size, uint32_t val);

/* Claims or releases the BARs on the host's buses to match the BAR
 * registers and the command register. */
void pci_bars_update(struct hv_pci_dev *d);
void pci_bars_unmap(struct hv_pci_dev *d);
extern const struct hv_bus_ops pci_bar_ops;

/* MSI-X: capability writes and table/PBA accesses (offset inside the BAR). */
void pci_msix_control_written(struct hv_pci_dev *d);
bool pci_msix_bar_read(struct hv_pci_dev *d, unsigned bar, uint64_t off, unsigned size, uint64_t *val);
bool pci_msix_bar_write(struct hv_pci_dev *d, unsigned bar, uint64_t off, unsigned size, uint64_t val);

/* Recomputes the INTx line from the device's wish and the enables. */
void pci_intx_update(struct hv_pci_dev *d);
#endif
