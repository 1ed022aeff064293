export interface License {
  id: string;
  accountId: string;
  email: string;
  plan: "personal" | "agency";
  status: "active" | "revoked" | "expired";
  expiresAt: string | null;
  createdAt: string;
}

export interface AccountSummary {
  id: string;
  email: string;
  licenses: number;
  credits: number;
  reservedCredits: number;
  createdAt: string;
}
