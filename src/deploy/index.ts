export { onboardConsortium, ONBOARDING_ABI, OnboardingError } from "./onboard.js";
export type { OnboardResult, OnboardOptions, OnboardingStep, OnboardingAction, OnboardingErrorCode } from "./onboard.js";
export { parseConsortiumConfig, ConsortiumConfigError } from "./consortiumConfig.js";
export type {
  ConsortiumConfig,
  ConsortiumPlan,
  CoreEnterpriseConfig,
  MemberConfig,
  MemberRoleName,
  PlannedCoreEnterprise,
  PlannedMember,
} from "./consortiumConfig.js";
