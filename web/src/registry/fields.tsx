// Form fields and fact lists are shared by every console module.
export * from '../ui/fields.tsx';
